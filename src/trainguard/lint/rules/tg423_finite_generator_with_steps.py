"""TG423 finite-generator-with-steps: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG423."""
    return analysis.from_nnchecks("TG423")


RULE = Rule(
    code="TG423",
    name="finite-generator-with-steps",
    severity=Severity.ERROR,
    message="A finite generator is trained on for several epochs with `steps_per_epoch`.",
    why=(
        "A Python generator runs once. With `steps_per_epoch` and more than one epoch, the second epoch "
        "finds it exhausted: training stops early or runs on nothing, with at most a warning."
    ),
    fix=(
        "Make the generator loop forever (`while True:` around the batches, reshuffling each pass), or "
        "pass a `keras.utils.Sequence`/`tf.data.Dataset` instead."
    ),
    example=(
        "def gen(X, y, bs):\n"
        "    for i in range(0, len(X), bs):\n"
        "        yield X[i:i + bs], y[i:i + bs]\n"
        "model.fit(gen(X, y, 32), steps_per_epoch=len(X) // 32, epochs=10)\n"
    ),
    clean_example=(
        "def gen(X, y, bs):\n"
        "    while True:\n"
        "        for i in range(0, len(X), bs):\n"
        "            yield X[i:i + bs], y[i:i + bs]\n"
        "model.fit(gen(X, y, 32), steps_per_epoch=math.ceil(len(X) / 32), epochs=10)\n"
    ),
    pitfall=9,
    check=check,
)
