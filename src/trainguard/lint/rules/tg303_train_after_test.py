"""TG303 train-after-test: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG303."""
    return analysis.from_dataflow("TG303")


RULE = Rule(
    code="TG303",
    name="train-after-test",
    severity=Severity.ERROR,
    message="The training rows are cut after a date and the test rows before it.",
    why=(
        "With training data later than the test data the model is evaluated on the past after learning "
        "the future: trends, drifts and known outcomes leak backwards and the score is optimistic."
    ),
    fix=(
        "Train on the earliest rows and test on the latest: `train = df[df.date < cutoff]`, "
        "`test = df[df.date >= cutoff]`."
    ),
    example="train = df[df['date'] >= '2023-01-01']\ntest = df[df['date'] < '2023-01-01']\n",
    clean_example="train = df[df['date'] < '2023-01-01']\ntest = df[df['date'] >= '2023-01-01']\n",
    pitfall=7,
    check=check,
)
