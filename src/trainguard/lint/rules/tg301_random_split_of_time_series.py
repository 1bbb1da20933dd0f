"""TG301 random-split-of-time-series: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG301."""
    return analysis.from_dataflow("TG301")


RULE = Rule(
    code="TG301",
    name="random-split-of-time-series",
    severity=Severity.WARNING,
    message="Time-ordered data is split at random.",
    why=(
        "With a shuffled split, training rows come from after test rows: the model learns from the future "
        "it is asked to predict, and lag features make neighbouring rows near copies. The score will not "
        "hold on data that really comes later. The same holds for KFold (shuffled or not) on sorted rows, "
        "whose folds train on later rows than they score, and for overlapping windows "
        "(`X.append(series[i - w:i])`) split at random: a test window shares most of its values with "
        "training windows."
    ),
    fix=(
        "Split by time: train on the earliest rows and test on the latest (`shuffle=False`, a date cut-off, "
        "or `TimeSeriesSplit` for cross-validation)."
    ),
    example=(
        "df = df.sort_values('date')\n"
        "df['lag1'] = df['sales'].shift(1)\n"
        "train, test = train_test_split(df, test_size=0.2, random_state=0)\n"
    ),
    clean_example=(
        "df = df.sort_values('date')\n"
        "df['lag1'] = df['sales'].shift(1)\n"
        "train, test = train_test_split(df, test_size=0.2, shuffle=False)\n"
    ),
    pitfall=7,
    check=check,
)
