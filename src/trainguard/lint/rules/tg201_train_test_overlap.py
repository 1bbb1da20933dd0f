"""TG201 train-test-overlap: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG201."""
    return analysis.from_dataflow("TG201")


RULE = Rule(
    code="TG201",
    name="train-test-overlap",
    severity=Severity.ERROR,
    message="The model is trained on rows that it is then evaluated on as test rows.",
    why=(
        "When the training data includes the test rows (`test = df.sample(frac=.2)` with `train = df`, a "
        "fit on all rows followed by a score on a split of them, `pd.concat` of train and test), the "
        "test score measures memory, not generalisation."
    ),
    fix="Train on the training part only: `train = df.drop(test.index)`, or fit on `X_train`.",
    example=(
        "test = df.sample(frac=0.2, random_state=0)\n"
        "model.fit(df[features], df[target])\n"
        "model.score(test[features], test[target])\n"
    ),
    clean_example=(
        "test = df.sample(frac=0.2, random_state=0)\n"
        "train = df.drop(test.index)\n"
        "model.fit(train[features], train[target])\n"
        "model.score(test[features], test[target])\n"
    ),
    pitfall=4,
    check=check,
)
