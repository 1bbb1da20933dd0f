"""The committed rule pages are exactly what the rule table renders, so docs never drift from behaviour."""

from __future__ import annotations

from pathlib import Path

import yaml

from trainguard.lint import RULES
from trainguard.lint.docs import pages

ROOT = Path(__file__).resolve().parents[2]


def test_committed_pages_match_the_rule_data():
    folder = ROOT / "docs" / "lint"
    wanted = pages()
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(wanted), (
        "run .venv/bin/python scripts/gen_lint_docs.py"
    )
    for name, content in wanted.items():
        assert (folder / name).read_text() == content, f"{name} is stale: run scripts/gen_lint_docs.py"


def test_every_rule_is_documented_completely():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert rule.message.endswith(".") and "\n" not in rule.message
        assert rule.why and rule.fix and rule.example and rule.clean_example


def test_pre_commit_hook_definition():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "trainguard-lint" and hook["entry"] == "trainguard lint"
    assert hook["types_or"] == ["python", "jupyter"]


def test_docs_option_writes_the_same_pages(tmp_path):
    from click.testing import CliRunner

    from trainguard.cli.app import cli

    result = CliRunner().invoke(cli, ["lint", "--docs", str(tmp_path / "pages")])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_text() for p in (tmp_path / "pages").iterdir()}
    assert written == pages()
