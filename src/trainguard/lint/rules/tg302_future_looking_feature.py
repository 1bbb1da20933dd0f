"""TG302 future-looking-feature: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG302."""
    return analysis.from_dataflow("TG302")


RULE = Rule(
    code="TG302",
    name="future-looking-feature",
    severity=Severity.ERROR,
    message="A feature uses rows from the future (a centered window, a negative shift or a backward fill).",
    why=(
        "`rolling(..., center=True)`, `shift(-1)` and `bfill()` put later values into earlier rows. At "
        "prediction time those values do not exist yet, so the model learns from information it will "
        "never have."
    ),
    fix=(
        "Use trailing windows (`rolling(k)` on `shift(1)`), positive shifts and forward fill only; shift "
        "the target, not the features, to predict ahead."
    ),
    example=(
        "df['sales_smooth'] = df['sales'].rolling(7, center=True).mean()\n"
        "train, test = df[df.date < cutoff], df[df.date >= cutoff]\n"
    ),
    clean_example=(
        "df['sales_avg7'] = df['sales'].shift(1).rolling(7).mean()\n"
        "train, test = df[df.date < cutoff], df[df.date >= cutoff]\n"
    ),
    pitfall=7,
    check=check,
)
