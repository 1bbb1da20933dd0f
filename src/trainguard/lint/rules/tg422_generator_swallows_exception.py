"""TG422 generator-swallows-exception: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG422."""
    return analysis.from_nnchecks("TG422")


RULE = Rule(
    code="TG422",
    name="generator-swallows-exception",
    severity=Severity.WARNING,
    message="A batch generator catches an exception and stops, ending the epoch early without saying so.",
    why=(
        "A `try/except` around the batch-building code that `break`s or `return`s turns a bad file or a "
        "bad row into a silently shorter epoch: fewer batches than declared, and no error to see."
    ),
    fix=(
        "Let the exception propagate (or log it and skip only the bad item with `continue`), so a short "
        "epoch is never silent."
    ),
    example=(
        "def batches(paths):\n"
        "    for p in paths:\n"
        "        try:\n"
        "            yield load(p)\n"
        "        except Exception:\n"
        "            break\n"
    ),
    clean_example="def batches(paths):\n    for p in paths:\n        yield load(p)\n",
    pitfall=9,
    check=check,
)
