"""TG103 feature-selection-before-split: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG103."""
    return analysis.from_dataflow("TG103")


RULE = Rule(
    code="TG103",
    name="feature-selection-before-split",
    severity=Severity.ERROR,
    message=(
        "Features are selected using the target on all rows before the split or outside cross-validation."
    ),
    why=(
        "A selector such as `SelectKBest` (or picking the columns most correlated with the target) that "
        "sees every row keeps the features that happen to fit the test rows too. The test score then "
        "rewards that choice, and on noise alone it can look far better than chance."
    ),
    fix=(
        "Select features on the training rows only, or put the selector in a `Pipeline` evaluated by "
        "`cross_val_score`/`GridSearchCV` so each fold selects again."
    ),
    example=(
        "X_new = SelectKBest(f_classif, k=10).fit_transform(X, y)\n"
        "scores = cross_val_score(LogisticRegression(), X_new, y)\n"
    ),
    clean_example=(
        "pipe = make_pipeline(SelectKBest(f_classif, k=10), LogisticRegression())\n"
        "scores = cross_val_score(pipe, X, y)\n"
    ),
    pitfall=2,
    check=check,
)
