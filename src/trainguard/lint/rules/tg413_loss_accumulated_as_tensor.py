"""TG413 loss-accumulated-as-tensor: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG413."""
    return analysis.from_nnchecks("TG413")


RULE = Rule(
    code="TG413",
    name="loss-accumulated-as-tensor",
    severity=Severity.WARNING,
    message="A loss tensor is accumulated without `.item()`, keeping every step's graph alive.",
    why=(
        "`total += loss` adds tensors that still reference their autograd graphs, so memory grows with "
        "every step until the epoch ends (or the process runs out of memory), and the sum itself is a "
        "tensor that keeps the graph too."
    ),
    fix="Accumulate a Python number: `total += loss.item()` (or `loss.detach()`).",
    example="total = 0\nfor xb, yb in loader:\n    loss = loss_fn(model(xb), yb)\n    total += loss\n",
    clean_example=(
        "total = 0\nfor xb, yb in loader:\n    loss = loss_fn(model(xb), yb)\n    total += loss.item()\n"
    ),
    pitfall=12,
    check=check,
)
