"""TG411 missing-zero-grad: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG411."""
    return analysis.from_nnchecks("TG411")


RULE = Rule(
    code="TG411",
    name="missing-zero-grad",
    severity=Severity.ERROR,
    message="The training loop calls `backward()` and `step()` but never clears the gradients.",
    why=(
        "PyTorch adds each `backward()` to the gradients already stored; without `zero_grad()` every "
        "step uses the sum of all past gradients, and training diverges or crawls."
    ),
    fix=(
        "Call `optimizer.zero_grad()` once per step, before `loss.backward()` (with gradient "
        "accumulation: after each `optimizer.step()`)."
    ),
    example=(
        "for xb, yb in loader:\n"
        "    loss = loss_fn(model(xb), yb)\n"
        "    loss.backward()\n"
        "    optimizer.step()\n"
    ),
    clean_example=(
        "for xb, yb in loader:\n"
        "    optimizer.zero_grad()\n"
        "    loss = loss_fn(model(xb), yb)\n"
        "    loss.backward()\n"
        "    optimizer.step()\n"
    ),
    pitfall=12,
    check=check,
)
