"""Every finding of `trainguard lint` on the lint corpus, the rule fixtures and the speed inputs, as JSON.

A speed change must not change what the linter finds: run this with the old and the new code and
compare the two outputs (``diff``). The speed inputs are those of lint_speed.py (same seed), made in a
temporary folder; paths are printed relative to the folder linted, so the outputs of two runs compare.

Usage: ``PYTHONPATH=src .venv/bin/python benchmarks/lint_findings_dump.py > findings.jsonl``
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from lint_speed import SOURCES, make_inputs

from trainguard.lint import lint_paths


def dump(folder: Path, label: str) -> None:
    for f in lint_paths([folder]):
        row = f.to_dict()
        row["path"] = f"{label}/{Path(f.path).relative_to(folder) if Path(f.path) != folder else ''}"
        print(json.dumps(row, sort_keys=True))


def main() -> int:
    for folder in SOURCES:
        dump(folder, folder.name)
    with tempfile.TemporaryDirectory() as tmp:
        make_inputs(Path(tmp), 1000, 300, 0)  # the 1,000-line notebook and the 300-file folder
        dump(Path(tmp), "speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
