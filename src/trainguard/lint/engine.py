"""Lint files: read, parse, run the shared analysis once, let each selected rule check it, suppress."""

from __future__ import annotations

import ast
import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trainguard.errors import ConfigError
from trainguard.findings import Severity
from trainguard.lint.analysis import analyse
from trainguard.lint.rules import BY_CODE, RULES
from trainguard.lint.source import Source, read_source
from trainguard.lint.tree import TreeIndex

SUFFIXES = (".py", ".ipynb")
SKIP_DIRS = {
    ".git",
    ".hg",
    ".venv",
    "venv",
    "env",
    "__pycache__",
    ".ipynb_checkpoints",
    "node_modules",
    "site-packages",
    ".tox",
    ".mypy_cache",
    ".ruff_cache",
    "build",
    "dist",
}
_IGNORE = re.compile(r"#\s*trainguard:\s*ignore(?:\[([A-Za-z0-9_,\s]+)\])?")
SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class LintFinding:
    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    cell: int | None = None
    related: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        data["related"] = list(self.related)
        if self.cell is None:
            del data["cell"]
        return data

    def location(self) -> str:
        if self.cell is not None:
            return f"{self.path}:cell {self.cell}:{self.line}:{self.column}"
        return f"{self.path}:{self.line}:{self.column}"


def _codes(values: Iterable[str] | None) -> set[str] | None:
    if values is None:
        return None
    codes = {c.strip().upper() for v in values for c in v.split(",") if c.strip()}
    unknown = sorted(c for c in codes if not any(code.startswith(c) for code in BY_CODE))
    if unknown:
        raise ConfigError(
            f"unknown rule code {', '.join(unknown)}",
            where="--select/--ignore",
            fix=f"use codes or prefixes of {', '.join(BY_CODE)} (trainguard lint --explain CODE)",
        )
    return codes


def _wanted(code: str, select: set[str] | None, ignore: set[str] | None) -> bool:
    if select is not None and not any(code.startswith(s) for s in select):
        return False
    return not (ignore and any(code.startswith(i) for i in ignore))


def _suppressed(lines: list[str], line: int, code: str) -> bool:
    if not 1 <= line <= len(lines):
        return False
    match = _IGNORE.search(lines[line - 1])
    if not match:
        return False
    return match.group(1) is None or code in {c.strip().upper() for c in match.group(1).split(",")}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while one file is analysed.

    Parsing and the analysis make tens of thousands of objects that live until the file is done,
    so the collector runs again and again over the same live tree (a sixth of the time of a
    1,000-line notebook); garbage left by the file is collected by the collector's next run after it.
    mypy raises its collection threshold for the same reason.
    """
    if not gc.isenabled():  # the caller turned it off: leave it off
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def lint_source(
    source: Source, *, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
) -> list[LintFinding]:
    """Findings for one script or notebook, already read into a :class:`Source`."""
    with _collector_paused():
        return _lint_source(source, _codes(select), _codes(ignore))


def _lint_source(source: Source, selected: set[str] | None, ignored: set[str] | None) -> list[LintFinding]:
    try:
        tree = ast.parse(source.text, filename=source.path)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        cell, cell_line = source.locate(line)
        msg = getattr(exc, "msg", str(exc))
        return [
            LintFinding(
                source.path,
                cell_line,
                getattr(exc, "offset", None) or 1,
                "TG000",
                Severity.ERROR,
                f"cannot parse: {msg}; the file was not checked.",
                cell,
            )
        ]
    try:
        index = TreeIndex.build(tree)
        analysis = analyse(tree, index)
        hits = [
            hit for rule in RULES if _wanted(rule.code, selected, ignored) for hit in rule.check(analysis)
        ]
    except RecursionError:
        return [
            LintFinding(
                source.path,
                1,
                1,
                "TG000",
                Severity.ERROR,
                "the code is nested too deeply to analyse; the file was not checked.",
            )
        ]
    except Exception as exc:  # noqa: BLE001 - one file must not stop the others; the bug is shown, not hidden
        return [
            LintFinding(
                source.path,
                1,
                1,
                "TG000",
                Severity.ERROR,
                f"internal error while checking ({type(exc).__name__}: {exc}); the file was not "
                "checked. Please report it with the file.",
            )
        ]
    lines = source.text.splitlines()
    findings: dict[tuple[str, int, int], LintFinding] = {}
    for hit in hits:
        if _suppressed(lines, hit.line, hit.code):
            continue
        cell, line = source.locate(hit.line)
        related = []
        for rel_line, what in hit.related:
            rel_cell, rel = source.locate(rel_line)
            entry: dict[str, Any] = {"line": rel, "what": what}
            if rel_cell is not None:
                entry["cell"] = rel_cell
            related.append(entry)
        detail = hit.detail
        if source.notebook:  # say "cell 4, line 2" rather than a line of the joined cells
            detail = re.sub(
                r"line (\d+)", lambda m: "cell {}, line {}".format(*source.locate(int(m.group(1)))), detail
            )
        rule = BY_CODE[hit.code]
        findings.setdefault(
            (hit.code, hit.line, hit.col),
            LintFinding(
                source.path, line, hit.col + 1, hit.code, rule.severity, detail + ".", cell, tuple(related)
            ),
        )
    return sorted(findings.values(), key=lambda f: (f.cell or 0, f.line, f.column, f.code))


def iter_files(paths: Sequence[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ConfigError("no such file or folder", where=str(raw), fix="check the path and try again")
        if path.is_file():
            files.append(path)
            continue
        for child in sorted(path.rglob("*")):
            if (
                child.suffix in SUFFIXES
                and child.is_file()
                and not any(
                    part in SKIP_DIRS or part.startswith(".") and part not in (".", "..")
                    for part in child.relative_to(path).parts[:-1]
                )
            ):
                files.append(child)
    return files


def lint_paths(
    paths: Sequence[str | Path], *, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
) -> list[LintFinding]:
    """Lint files, notebooks and folders (recursively) without running or importing them."""
    _codes(select), _codes(ignore)  # report unknown codes before reading anything
    findings: list[LintFinding] = []
    for path in iter_files(paths):
        try:
            source = read_source(path)
        except (ValueError, OSError) as exc:  # unreadable, or a notebook that is not JSON
            findings.append(
                LintFinding(
                    str(path), 1, 1, "TG000", Severity.ERROR, f"cannot read: {exc}; the file was not checked."
                )
            )
            continue
        findings.extend(lint_source(source, select=select, ignore=ignore))
    return findings


def at_or_above(findings: Iterable[LintFinding], severity: str) -> bool:
    if severity == "never":
        return False
    floor = SEVERITY_RANK[Severity(severity)]
    return any(SEVERITY_RANK[f.severity] >= floor for f in findings)
