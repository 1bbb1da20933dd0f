"""TG206 statistics-from-test-set: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG206."""
    return analysis.from_dataflow("TG206")


RULE = Rule(
    code="TG206",
    name="statistics-from-test-set",
    severity=Severity.WARNING,
    message=(
        "The test rows are transformed with statistics of the test rows themselves (a transformer re-fit "
        "on them, or a fill with their own mean)."
    ),
    why=(
        "`scaler.fit_transform(X_test)`, `encoder.fit(X_test)` or `X_test[c].fillna(X_test[c].mean())` "
        "prepare the test rows differently from the training rows, with numbers that exist only once the "
        "whole test set is known. The model meets inputs on another scale (or with other category codes) "
        "than it was trained on, and production, which sees one row at a time, cannot do the same."
    ),
    fix=(
        "Fit on the training rows once and only `transform` the test rows; fill test values with the "
        "statistic computed on the training rows."
    ),
    example=(
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "scaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\n"
        "X_test = scaler.fit_transform(X_test)\n"
    ),
    clean_example=(
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "scaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\n"
        "X_test = scaler.transform(X_test)\n"
    ),
    pitfall=1,
    check=check,
)
