"""TG402 logits-into-probability-loss: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG402."""
    return analysis.from_nnchecks("TG402")


RULE = Rule(
    code="TG402",
    name="logits-into-probability-loss",
    severity=Severity.ERROR,
    message="Raw logits are fed to a loss that expects probabilities (or log-probabilities).",
    why=(
        "`BCELoss` expects values in [0, 1] and `NLLLoss` expects log-probabilities; raw outputs of a "
        "linear layer make the loss wrong or crash mid-training (Keras: a linear last layer with "
        "`binary_crossentropy` or `categorical_crossentropy` without `from_logits=True`)."
    ),
    fix=(
        "Use `BCEWithLogitsLoss` / `CrossEntropyLoss` on logits (Keras: `from_logits=True`), or add the "
        "matching activation as the last layer."
    ),
    example=(
        "model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 1))\n"
        "loss = nn.BCELoss()(model(xb), yb)\n"
    ),
    clean_example=(
        "model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 1))\n"
        "loss = nn.BCEWithLogitsLoss()(model(xb), yb)\n"
    ),
    pitfall=11,
    check=check,
)
