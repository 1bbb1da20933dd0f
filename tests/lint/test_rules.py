"""Every rule against its fixtures: flagged files must give exactly the findings their comments declare.

A fixture declares its expected findings inline: ``# expect: TG101`` (or ``# expect: TG101, TG501``)
on the line the finding must point at. The test compares the whole set of (code, cell, line) found
with the set declared, so a missing finding and an extra one (a false positive) both fail. Files
named ``clean_*`` declare nothing and must produce no finding at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trainguard.lint import BY_CODE, RULES, lint_paths

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9,\s]+)")
ALL = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".py", ".ipynb"))


def expected(path: Path) -> set[tuple[str, int | None, int]]:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        chunks = [
            (number, "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for number, c in enumerate(cells, start=1)
            if c["cell_type"] == "code"
        ]
    else:
        chunks = [(None, path.read_text())]
    found = set()
    for cell, text in chunks:
        for line_no, line in enumerate(text.splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                found |= {(code.strip(), cell, line_no) for code in match.group(1).split(",") if code.strip()}
    return found


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(path):
    found = {(f.code, f.cell, f.line) for f in lint_paths([path])}
    assert found == expected(path)


def test_syntax_error_is_reported_per_file_and_the_rest_is_checked(tmp_path):
    # Generated here rather than stored: a stored unparsable file would break the repository's own ruff run.
    broken = tmp_path / "broken.ipynb"
    broken.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "markdown", "source": "# notes"},
                    {"cell_type": "code", "source": "import pandas as pd"},
                    {"cell_type": "code", "source": "def load(path:\n    return pd.read_csv(path)"},
                ],
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    (tmp_path / "also_broken.py").write_text("x = (1,\n")
    (tmp_path / "leaky.py").write_text((FIXTURES / "TG104" / "flagged_smote.py").read_text())
    findings = lint_paths([tmp_path])
    assert {(Path(f.path).name, f.code, f.cell, f.line) for f in findings} == {
        ("broken.ipynb", "TG000", 3, 1),
        ("also_broken.py", "TG000", None, 1),
        ("leaky.py", "TG104", None, 9),
    }
    assert all("not checked" in f.message for f in findings if f.code == "TG000")


def test_every_rule_has_flagged_and_clean_fixtures():
    for rule in RULES[1:]:  # TG000 (syntax errors) is tested above on a generated file
        folder = FIXTURES / rule.code
        flagged = [p for p in folder.glob("flagged_*") if any(c == rule.code for c, _, _ in expected(p))]
        clean = list(folder.glob("clean_*"))
        assert len(flagged) >= 1 and len(clean) >= 1, rule.code
        for path in clean:
            assert not expected(path), path


def test_fixture_codes_are_known_rules():
    for path in ALL:
        assert {code for code, _, _ in expected(path)} <= set(BY_CODE), path


def test_code_is_never_run_or_imported(tmp_path):
    marker = tmp_path / "ran"
    script = tmp_path / "side_effects.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('x')\nimport side_effects\n")
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(
        json.dumps(
            {
                "cells": [{"cell_type": "code", "source": script.read_text()}],
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    assert lint_paths([tmp_path]) == []
    assert not marker.exists()


def test_suppression_comments(tmp_path):
    source = (FIXTURES / "TG501" / "flagged_unseeded_split.py").read_text().splitlines()
    source[6] += "  # trainguard: ignore"  # every code on the line
    source[7] += "  # trainguard: ignore[TG101, tg501]"  # a list, case-insensitive
    source[8] += "  # trainguard: ignore[TG101]"  # another code: the finding stays
    path = tmp_path / "split.py"
    path.write_text("\n".join(source) + "\n")
    assert [(f.code, f.line) for f in lint_paths([path])] == [("TG501", 9)]
