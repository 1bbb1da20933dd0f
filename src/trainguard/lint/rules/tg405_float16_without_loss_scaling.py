"""TG405 float16-without-loss-scaling: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG405."""
    return analysis.from_nnchecks("TG405")


RULE = Rule(
    code="TG405",
    name="float16-without-loss-scaling",
    severity=Severity.WARNING,
    message="The model is trained in float16 without loss scaling or autocast.",
    why=(
        "float16 overflows above 65504 and underflows small gradients to zero: a model converted with "
        "`.half()` and trained directly gets Inf/NaN losses or silently stops learning."
    ),
    fix="Keep the weights in float32 and use `torch.autocast` with `torch.amp.GradScaler`, or use bfloat16.",
    example="model = Net().half()\nloss = loss_fn(model(xb.half()), yb)\nloss.backward()\n",
    clean_example=(
        "scaler = torch.amp.GradScaler()\n"
        "with torch.autocast('cuda', dtype=torch.float16):\n"
        "    loss = loss_fn(model(xb), yb)\n"
        "scaler.scale(loss).backward()\n"
    ),
    pitfall=10,
    check=check,
)
