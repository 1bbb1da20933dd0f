"""TG404 unguarded-log-in-loss: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG404."""
    return analysis.from_nnchecks("TG404")


RULE = Rule(
    code="TG404",
    name="unguarded-log-in-loss",
    severity=Severity.WARNING,
    message=(
        "A custom loss takes the log of a value that can be 0 (or divides by one) with no epsilon or clamp."
    ),
    why=(
        "`torch.log(p)` of a predicted probability is -inf as soon as one p underflows to 0, and the loss "
        "and every gradient become NaN: training stops making progress, often many epochs in."
    ),
    fix=(
        "Clamp first (`p.clamp(min=1e-7)`), add an epsilon (`torch.log(p + 1e-7)`), or better use the "
        "numerically stable built-ins (`F.binary_cross_entropy_with_logits`, `F.log_softmax`)."
    ),
    example="def bce_loss(p, y):\n    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()\n",
    clean_example=(
        "def bce_loss(p, y, eps=1e-7):\n"
        "    p = p.clamp(eps, 1 - eps)\n"
        "    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()\n"
    ),
    pitfall=10,
    check=check,
)
