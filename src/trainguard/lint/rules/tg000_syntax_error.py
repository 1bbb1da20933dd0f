"""TG000 syntax-error: reported by the engine itself when a file cannot be read or parsed."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """Nothing: the engine reports TG000 itself, for a file it cannot read or parse."""
    return []


RULE = Rule(
    code="TG000",
    name="syntax-error",
    severity=Severity.ERROR,
    message="The file could not be parsed, so it was not checked.",
    why=(
        "The linter reads code without running it; code that Python cannot parse cannot be checked, "
        "and a silent skip would look like a clean file."
    ),
    fix="Fix the syntax error (the message gives Python's own description), then lint again.",
    example="def f(:\n    pass\n",
    clean_example="def f():\n    pass\n",
    check=check,
)
