"""TG424 steps-per-epoch-mismatch: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG424."""
    return analysis.from_nnchecks("TG424")


RULE = Rule(
    code="TG424",
    name="steps-per-epoch-mismatch",
    severity=Severity.WARNING,
    message="`steps_per_epoch` does not match the number of rows divided by the batch size.",
    why=(
        "With a generator, Keras counts an epoch in `steps_per_epoch` batches. Fewer steps than "
        "`ceil(rows / batch_size)` end each epoch before the data is seen (the model trains on the first "
        "batches only, and callbacks fire too often); more steps repeat batches or exhaust the generator."
    ),
    fix=(
        "Compute it from the data: `steps_per_epoch=math.ceil(len(X) / batch_size)`, or pass a "
        "`keras.utils.Sequence` (whose `__len__` says it) and leave `steps_per_epoch` out."
    ),
    example="X = np.zeros((100, 10))\nmodel.fit(batches(X, 10), steps_per_epoch=5, epochs=5)\n",
    clean_example=(
        "X = np.zeros((100, 10))\n"
        "model.fit(batches(X, 10), steps_per_epoch=math.ceil(len(X) / 10), epochs=5)\n"
    ),
    pitfall=9,
    check=check,
)
