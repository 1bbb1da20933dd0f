"""TG105 target-derived-feature: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG105."""
    return analysis.from_dataflow("TG105")


RULE = Rule(
    code="TG105",
    name="target-derived-feature",
    severity=Severity.ERROR,
    message=(
        "A feature is computed from the target over all rows (a group mean of the target, or a window "
        "that includes the current target)."
    ),
    why=(
        "Mean (target) encoding over every row puts each row's own label, and the test rows' labels, "
        "into a feature; a rolling statistic of the target that includes the current row is the target "
        "itself in disguise. The model looks excellent and fails on new data."
    ),
    fix=(
        "Compute target encodings on the training rows only (out-of-fold, e.g. scikit-learn's "
        "`TargetEncoder` inside a `Pipeline`), and shift target windows by one row (`shift(1)`) first."
    ),
    example=(
        "df['city_te'] = df.groupby('city')['target'].transform('mean')\n"
        "train, test = train_test_split(df, random_state=0)\n"
    ),
    clean_example=(
        "train, test = train_test_split(df, random_state=0)\n"
        "means = train.groupby('city')['target'].mean()\n"
        "train['city_te'], test['city_te'] = train.city.map(means), test.city.map(means)\n"
    ),
    pitfall=6,
    check=check,
)
