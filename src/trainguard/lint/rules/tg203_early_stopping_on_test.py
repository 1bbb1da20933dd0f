"""TG203 early-stopping-on-test: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG203."""
    return analysis.from_dataflow("TG203")


RULE = Rule(
    code="TG203",
    name="early-stopping-on-test",
    severity=Severity.ERROR,
    message="Early stopping or checkpoint selection watches the test set.",
    why=(
        "Stopping when the test loss stops improving picks the number of rounds or epochs that suits the "
        "test rows: it is model selection on the test set."
    ),
    fix=(
        "Hold out a validation set from the training rows for `eval_set`/`validation_data` and keep the "
        "test set for one final evaluation."
    ),
    example=(
        "model = XGBClassifier(early_stopping_rounds=20)\n"
        "model.fit(X_train, y_train, eval_set=[(X_test, y_test)])\n"
    ),
    clean_example=(
        "model = XGBClassifier(early_stopping_rounds=20)\nmodel.fit(X_tr, y_tr, eval_set=[(X_val, y_val)])\n"
    ),
    pitfall=5,
    check=check,
)
