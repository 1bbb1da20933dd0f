"""TG102 statistics-before-split: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG102."""
    return analysis.from_dataflow("TG102")


RULE = Rule(
    code="TG102",
    name="statistics-before-split",
    severity=Severity.ERROR,
    message=(
        "A statistic over all rows (mean, std, min, max, quantiles) is used to transform the data before "
        "the split."
    ),
    why=(
        "`X - X.mean()`, `X / X.std()`, `fillna(df.col.median())` or `pd.qcut` written by hand are a "
        "scaler, imputer or discretizer fit on every row: the test rows shape the numbers the model "
        "trains on, exactly as with a fitted transformer. Frequency and mean encoding of a feature "
        "(`df[c].map(df[c].value_counts())`, `df.groupby(c)[x].transform('mean')`) is the same: each "
        "row's value depends on the test rows of its group (unless a group split keeps groups apart)."
    ),
    fix=(
        "Compute the statistic on the training rows after the split and apply it to every part, or use "
        "the scikit-learn transformer inside a `Pipeline`."
    ),
    example=(
        "df['age'] = df['age'].fillna(df['age'].median())\n"
        "train, test = train_test_split(df, random_state=0)\n"
    ),
    clean_example=(
        "train, test = train_test_split(df, random_state=0)\n"
        "median = train['age'].median()\n"
        "train['age'], test['age'] = train['age'].fillna(median), test['age'].fillna(median)\n"
    ),
    pitfall=1,
    check=check,
)
