"""TG101 preprocessing-before-split: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG101."""
    return analysis.from_dataflow("TG101")


RULE = Rule(
    code="TG101",
    name="preprocessing-before-split",
    severity=Severity.ERROR,
    message="A transformer is fit on all rows before the data is split or cross-validated.",
    why=(
        "A scaler, imputer, encoder, PCA or discretizer fit on every row learns statistics of the rows "
        "that later become the test set (their mean, their categories, their quantiles). The model is "
        "then scored on rows whose information it has already seen, and the score is optimistic."
    ),
    fix=(
        "Split first and fit the transformer on the training rows only (`fit` on X_train, `transform` on "
        "the others), or put it in a `Pipeline` that `cross_val_score`/`GridSearchCV` refits per fold."
    ),
    example=(
        "X = StandardScaler().fit_transform(X)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
    ),
    clean_example=(
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "scaler = StandardScaler().fit(X_train)\n"
        "X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)\n"
    ),
    pitfall=1,
    check=check,
)
