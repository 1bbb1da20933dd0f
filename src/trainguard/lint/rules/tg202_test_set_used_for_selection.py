"""TG202 test-set-used-for-selection: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG202."""
    return analysis.from_dataflow("TG202")


RULE = Rule(
    code="TG202",
    name="test-set-used-for-selection",
    severity=Severity.ERROR,
    message="Scores on the test set are compared to choose a model or a hyperparameter.",
    why=(
        "The best of several models on the test set is partly the luckiest on those rows: the test set "
        "has become a validation set, and the reported score is optimistic."
    ),
    fix=(
        "Choose on a validation set or by cross-validation within the training rows; evaluate the single "
        "chosen model on the test set once, at the end."
    ),
    example=(
        "for k in (1, 5, 15):\n"
        "    knn = KNeighborsClassifier(k).fit(X_train, y_train)\n"
        "    acc = knn.score(X_test, y_test)\n"
        "    if acc > best_acc:\n"
        "        best_k, best_acc = k, acc\n"
    ),
    clean_example=(
        "for k in (1, 5, 15):\n"
        "    knn = KNeighborsClassifier(k).fit(X_train, y_train)\n"
        "    acc = knn.score(X_val, y_val)\n"
        "    if acc > best_acc:\n"
        "        best_k, best_acc = k, acc\n"
    ),
    pitfall=5,
    check=check,
)
