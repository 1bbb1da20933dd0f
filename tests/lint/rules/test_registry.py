"""The rule registry: one module per rule, each found once, each example really flagged or really clean."""

from __future__ import annotations

import ast
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from trainguard.lint import RULES, Source, lint_source
from trainguard.lint.analysis import analyse
from trainguard.lint.rule import EXAMPLE_SETUP
from trainguard.lint.rules import BY_CODE, discover
from trainguard.lint.source import read_source
from trainguard.lint.tree import TreeIndex

RULES_DIR = Path(__file__).resolve().parents[3] / "src" / "trainguard" / "lint" / "rules"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


# Codes are stable: users write them in --select/--ignore and `# trainguard: ignore[...]`. A code keeps
# its name and is never removed or given to another mistake; new rules add lines here.
STABLE_CODES = {
    "TG000": "syntax-error",
    "TG101": "preprocessing-before-split",
    "TG102": "statistics-before-split",
    "TG103": "feature-selection-before-split",
    "TG104": "resampling-before-split",
    "TG105": "target-derived-feature",
    "TG106": "categories-learned-before-split",
    "TG201": "train-test-overlap",
    "TG202": "test-set-used-for-selection",
    "TG203": "early-stopping-on-test",
    "TG204": "search-on-all-rows",
    "TG205": "duplicated-rows-before-split",
    "TG206": "statistics-from-test-set",
    "TG301": "random-split-of-time-series",
    "TG302": "future-looking-feature",
    "TG303": "train-after-test",
    "TG304": "group-split-ignored",
    "TG401": "activation-before-logit-loss",
    "TG402": "logits-into-probability-loss",
    "TG403": "float-class-targets",
    "TG404": "unguarded-log-in-loss",
    "TG405": "float16-without-loss-scaling",
    "TG406": "broadcast-in-regression-loss",
    "TG407": "skorch-output-criterion-mismatch",
    "TG411": "missing-zero-grad",
    "TG412": "evaluation-in-train-mode",
    "TG413": "loss-accumulated-as-tensor",
    "TG421": "sequence-length-drops-rows",
    "TG422": "generator-swallows-exception",
    "TG423": "finite-generator-with-steps",
    "TG424": "steps-per-epoch-mismatch",
    "TG425": "generator-without-steps",
    "TG426": "iterable-dataset-not-sharded",
    "TG501": "unseeded-split",
    "TG502": "unseeded-estimator",
    "TG503": "unseeded-framework",
}


def test_codes_are_stable():
    assert {code: rule.name for code, rule in BY_CODE.items() if code in STABLE_CODES} == STABLE_CODES


def test_every_rule_module_is_registered_once_in_code_order():
    modules = sorted(p.stem for p in RULES_DIR.glob("tg*.py"))
    assert sorted(rule.module for rule in RULES) == modules
    assert [rule.code for rule in RULES] == sorted(BY_CODE)
    assert len(RULES) == len(BY_CODE) == len(modules)


def _package(tmp_path: Path, monkeypatch, modules: dict[str, str]) -> str:
    name = f"planted_{tmp_path.name}"  # one per test: a package stays in sys.modules once imported
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, body in modules.items():
        (package / f"{module}.py").write_text(textwrap.dedent(body))
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


RULE_BODY = """
    from trainguard.findings import Severity
    from trainguard.lint.rule import Rule

    RULE = Rule(code="{code}", name="{name}", severity=Severity.INFO, message="m.", why="w", fix="f",
                example="x = 1\\n", clean_example="x = 2\\n", check=lambda analysis: [])
"""


def test_discover_finds_the_modules_of_a_package(tmp_path, monkeypatch):
    package = _package(
        tmp_path,
        monkeypatch,
        {
            "tg902_second": RULE_BODY.format(code="TG902", name="second"),
            "tg901_first": RULE_BODY.format(code="TG901", name="first"),
        },
    )
    assert [(r.code, r.name) for r in discover(package)] == [("TG901", "first"), ("TG902", "second")]


@pytest.mark.parametrize(
    ("modules", "error", "words"),
    [
        ({"tg901_helpers": "X = 1\n"}, TypeError, "defines no RULE"),
        ({"tg901_wrong_name": RULE_BODY.format(code="TG901", name="first")}, ValueError, "tg901_first.py"),
        (
            {
                "tg901_first": RULE_BODY.format(code="TG901", name="first"),
                "tg901_second": RULE_BODY.format(code="TG901", name="second"),
            },
            ValueError,
            "reuses TG901",
        ),
    ],
    ids=["no-rule", "misnamed", "duplicate-code"],
)
def test_discover_rejects_a_malformed_rule_module(tmp_path, monkeypatch, modules, error, words):
    with pytest.raises(error, match=words):
        discover(_package(tmp_path, monkeypatch, modules))


@pytest.mark.parametrize(
    "rule", RULES[1:], ids=lambda r: r.code
)  # TG000: a parse error, tested in test_rules
def test_the_documented_examples_are_flagged_and_clean(rule):
    flagged = [f.code for f in lint_source(Source(f"{rule.code}.py", EXAMPLE_SETUP + rule.example))]
    clean = [f.code for f in lint_source(Source(f"{rule.code}.py", EXAMPLE_SETUP + rule.clean_example))]
    assert rule.code in flagged
    assert clean == []


def test_every_finding_of_the_shared_analysis_is_claimed_by_exactly_one_rule():
    # A code an analysis reports that no rule's check picks up would vanish without a trace. (Rules
    # that read the structure themselves, such as TG407, add findings of their own on top.)
    checked = 0
    for path in sorted(FIXTURES.rglob("flagged_*")):
        tree = ast.parse(read_source(path).text)
        analysis = analyse(tree, TreeIndex.build(tree))
        reported = Counter(
            (h.code, h.line, h.col)
            for hits in (analysis.dataflow, analysis.nnchecks)
            for hs in hits.values()
            for h in hs
        )
        claimed = Counter((h.code, h.line, h.col) for rule in RULES for h in rule.check(analysis))
        assert {key: claimed[key] for key in reported} == reported, path  # each once, none lost
        checked += sum(reported.values())
    assert checked > 100
