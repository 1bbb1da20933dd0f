"""TG401 activation-before-logit-loss: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG401."""
    return analysis.from_nnchecks("TG401")


RULE = Rule(
    code="TG401",
    name="activation-before-logit-loss",
    severity=Severity.ERROR,
    message="An activation is applied to outputs before a loss that applies it again.",
    why=(
        "`BCEWithLogitsLoss` applies the sigmoid itself and `CrossEntropyLoss` applies log-softmax; "
        "feeding them probabilities squashes the outputs twice, the gradients vanish and training stalls "
        "at a poor loss (the same for Keras losses with `from_logits=True`)."
    ),
    fix=(
        "Return raw logits from the model and let the loss apply the activation; apply `sigmoid`/"
        "`softmax` only when predicting."
    ),
    example=(
        "model = nn.Sequential(nn.Linear(10, 1), nn.Sigmoid())\n"
        "loss_fn = nn.BCEWithLogitsLoss()\n"
        "loss = loss_fn(model(xb), yb)\n"
    ),
    clean_example=(
        "model = nn.Sequential(nn.Linear(10, 1))\n"
        "loss_fn = nn.BCEWithLogitsLoss()\n"
        "loss = loss_fn(model(xb), yb)\n"
    ),
    pitfall=11,
    check=check,
)
