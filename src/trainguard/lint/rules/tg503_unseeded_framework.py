"""TG503 unseeded-framework: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG503."""
    return analysis.from_nnchecks("TG503")


RULE = Rule(
    code="TG503",
    name="unseeded-framework",
    severity=Severity.WARNING,
    message=(
        "Random numbers are drawn (NumPy, `random`, PyTorch or Keras training) without seeding the generator."
    ),
    why=(
        "Weight initialisation, shuffling, dropout and `np.random` calls change on every run, so results "
        "cannot be reproduced and small differences cannot be told from noise."
    ),
    fix=(
        "Seed once at the top: `random.seed(0)`, `np.random.seed(0)` (or `np.random.default_rng(0)`), "
        "`torch.manual_seed(0)`, or `keras.utils.set_random_seed(0)`."
    ),
    example=(
        "model = nn.Linear(10, 1)\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "loss_fn(model(X), y).backward()\n"
    ),
    clean_example=(
        "torch.manual_seed(0)\n"
        "model = nn.Linear(10, 1)\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "loss_fn(model(X), y).backward()\n"
    ),
    pitfall=15,
    check=check,
)
