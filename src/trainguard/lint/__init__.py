"""``trainguard lint``: find leakage and training pitfalls in scripts and notebooks without running them.

>>> from trainguard.lint import lint_paths
>>> findings = lint_paths(["notebooks/"])          # doctest: +SKIP
>>> [(f.path, f.line, f.code) for f in findings]   # doctest: +SKIP
"""

from trainguard.lint.engine import LintFinding, at_or_above, lint_paths, lint_source
from trainguard.lint.rules import BY_CODE, RULES, Rule
from trainguard.lint.source import Source, read_source

__all__ = [
    "BY_CODE",
    "RULES",
    "LintFinding",
    "Rule",
    "Source",
    "at_or_above",
    "lint_paths",
    "lint_source",
    "read_source",
]
