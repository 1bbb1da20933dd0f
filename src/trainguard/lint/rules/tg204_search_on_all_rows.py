"""TG204 search-on-all-rows: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG204."""
    return analysis.from_dataflow("TG204")


RULE = Rule(
    code="TG204",
    name="search-on-all-rows",
    severity=Severity.ERROR,
    message="A hyperparameter search is fit on all rows and then scored on test rows taken from them.",
    why=(
        "`GridSearchCV(...).fit(X, y)` chooses hyperparameters with every row, including the rows later "
        "used as the test set, so the test score of the chosen model is optimistic."
    ),
    fix=(
        "Split first, run the search on the training rows (`search.fit(X_train, y_train)`) and score "
        "the refitted best model on the test rows once."
    ),
    example=(
        "search = GridSearchCV(SVC(), grid).fit(X, y)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "search.score(X_test, y_test)\n"
    ),
    clean_example=(
        "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
        "search = GridSearchCV(SVC(), grid).fit(X_train, y_train)\n"
        "search.score(X_test, y_test)\n"
    ),
    pitfall=5,
    check=check,
)
