"""TG421 sequence-length-drops-rows: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG421."""
    return analysis.from_nnchecks("TG421")


RULE = Rule(
    code="TG421",
    name="sequence-length-drops-rows",
    severity=Severity.WARNING,
    message="A Keras `Sequence.__len__` is hard-coded or rounds down, so batches are skipped every epoch.",
    why=(
        "The training loop asks for exactly `len(sequence)` batches. `n // batch_size` drops the last, "
        "partial batch every epoch, and a constant length is wrong as soon as the data changes size."
    ),
    fix="Return `math.ceil(len(self.x) / self.batch_size)` and let the last batch be smaller.",
    example=(
        "class Batches(keras.utils.Sequence):\n"
        "    def __len__(self):\n"
        "        return len(self.x) // self.batch_size\n"
    ),
    clean_example=(
        "class Batches(keras.utils.Sequence):\n"
        "    def __len__(self):\n"
        "        return math.ceil(len(self.x) / self.batch_size)\n"
    ),
    pitfall=9,
    check=check,
)
