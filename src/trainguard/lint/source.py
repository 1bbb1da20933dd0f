"""Reading scripts and notebooks into one piece of Python source with a line map.

A notebook's code cells are joined in order into one module, so values flow from cell to cell as
they do when the notebook runs top to bottom; ``line_map`` turns a line of the joined source back
into (cell, line in cell). IPython magics and shell escapes (``%``, ``%%``, ``!``) are not Python:
their lines are replaced by ``pass`` at the same indentation (cell magics blank the whole cell), so
line numbers stay right and the rest of the cell is still checked. The notebook JSON is read with
the standard library: nbformat would add a dependency for nothing more than ``json.loads``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_MAGIC = re.compile(r"^(\s*)(%|!|\?)")
# Cell magics whose body is still Python (only the magic line itself is dropped).
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "memit", "debug", "skip"}
_ASSIGNED_MAGIC = re.compile(r"^(\s*)([\w.,\s]+)=\s*(%|!)")


@dataclass
class Source:
    path: str
    text: str
    notebook: bool = False
    # For notebooks: line_map[i] = (cell number counted from 1 among all cells, line in that cell).
    line_map: list[tuple[int, int]] = field(default_factory=list)

    def locate(self, line: int) -> tuple[int | None, int]:
        """(cell, line) for a line of the joined source; cell is None for plain files."""
        if not self.notebook or not 1 <= line <= len(self.line_map):
            return None, line
        return self.line_map[line - 1]


def _clean_line(line: str) -> str:
    match = _MAGIC.match(line) or _ASSIGNED_MAGIC.match(line)
    if match:
        return f"{match.group(1)}pass"
    if line.rstrip().endswith("?") and not line.lstrip().startswith("#"):  # obj? help syntax
        stripped = line.rstrip()[:-1].rstrip("?")
        if re.fullmatch(r"\s*[\w.]+", stripped):
            return re.match(r"\s*", line).group(0) + "pass"
    return line


def notebook_source(path: str, raw: str) -> Source:
    data = json.loads(raw)
    cells = data.get("cells")
    if cells is None:  # nbformat 3 kept cells inside worksheets
        cells = [c for ws in data.get("worksheets", []) for c in ws.get("cells", [])]
    lines: list[str] = []
    line_map: list[tuple[int, int]] = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", cell.get("input", ""))
        if isinstance(text, list):
            text = "".join(text)
        cell_lines = text.splitlines() or [""]
        first = cell_lines[0].lstrip()
        if first.startswith("%%"):  # a cell magic: %%time keeps Python below it, %%bash does not
            magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
            if magic in _PYTHON_CELL_MAGICS:
                cell_lines = ["pass", *cell_lines[1:]]
            else:
                cell_lines = ["pass" if i == 0 else "" for i in range(len(cell_lines))]
        for index, line in enumerate(cell_lines, start=1):
            lines.append(_clean_line(line))
            line_map.append((number, index))
    return Source(path, "\n".join(lines) + "\n", notebook=True, line_map=line_map)


def read_source(path: Path) -> Source:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        return notebook_source(str(path), raw)
    return Source(str(path), raw)
