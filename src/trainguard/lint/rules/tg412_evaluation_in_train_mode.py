"""TG412 evaluation-in-train-mode: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG412."""
    return analysis.from_nnchecks("TG412")


RULE = Rule(
    code="TG412",
    name="evaluation-in-train-mode",
    severity=Severity.WARNING,
    message="The model is evaluated without `model.eval()` after training mode was set.",
    why=(
        "In training mode dropout drops units and batch norm uses and updates batch statistics, so "
        "validation scores are noisy and worse than the model really is (and batch-norm statistics drift)."
    ),
    fix=(
        "Call `model.eval()` before evaluating (with `torch.no_grad()`), and `model.train()` again before "
        "the next training epoch."
    ),
    example="model.train()\n...\nwith torch.no_grad():\n    val_pred = model(X_val)\n",
    clean_example="model.eval()\nwith torch.no_grad():\n    val_pred = model(X_val)\n",
    pitfall=12,
    check=check,
)
