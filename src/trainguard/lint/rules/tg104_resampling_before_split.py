"""TG104 resampling-before-split: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG104."""
    return analysis.from_dataflow("TG104")


RULE = Rule(
    code="TG104",
    name="resampling-before-split",
    severity=Severity.ERROR,
    message="Rows are resampled (oversampled, undersampled or synthesised) before the split.",
    why=(
        "SMOTE and friends build synthetic rows from their neighbours; done before the split, rows made "
        "from test rows land in the training set, and the test set no longer has the real class balance, "
        "so the score says little about new data."
    ),
    fix=(
        "Split first and resample the training part only, or use `imblearn.pipeline.Pipeline` so "
        "cross-validation resamples each training fold."
    ),
    example=(
        "X_res, y_res = SMOTE().fit_resample(X, y)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, random_state=0)\n"
    ),
    clean_example=(
        "X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)\n"
        "X_train, y_train = SMOTE(random_state=0).fit_resample(X_train, y_train)\n"
    ),
    pitfall=3,
    check=check,
)
