"""What the training loops (the Trainer and the learning-rate sweep) require of a loss value."""

from __future__ import annotations

from typing import Any

from torch import Tensor

from trainguard.errors import ConfigError


def check_scalar_loss(loss: Any) -> None:
    """Refuse a loss that is not one number: backward() of a vector needs a gradient argument."""
    if not isinstance(loss, Tensor) or loss.ndim != 0:
        shape = tuple(loss.shape) if isinstance(loss, Tensor) else type(loss).__name__
        raise ConfigError(
            f"the loss function returned {shape}, not a single number",
            where="Trainer(loss=...)",
            fix="reduce the loss to a scalar (reduction='mean', or .mean() in a custom loss)",
        )
