"""GradientClipping: bound gradients before every optimizer step.

Norm clipping reuses the total norm the Trainer already computed for the NaN guard, so clipping
adds one scaling pass, not a second norm pass.
"""

from __future__ import annotations

from torch import nn

from trainguard.errors import ConfigError
from trainguard.nn.callbacks.base import Callback, Logs
from trainguard.nn.grads import clip_to_norm_, total_grad_norm


class GradientClipping(Callback):
    """Clip the total gradient norm to ``max_norm`` and/or each gradient value to ``±max_value``."""

    def __init__(self, max_norm: float | None = None, max_value: float | None = None) -> None:
        if max_norm is None and max_value is None:
            raise ConfigError(
                "nothing to clip",
                where="GradientClipping()",
                fix="pass max_norm=1.0 (most common) and/or max_value=...",
            )
        for name, value in (("max_norm", max_norm), ("max_value", max_value)):
            if value is not None and not value > 0:
                raise ConfigError(
                    f"{name} must be > 0, got {value!r}",
                    where=f"GradientClipping({name}=...)",
                    fix=f"pass a positive {name}, e.g. 1.0",
                )
        self.max_norm, self.max_value = max_norm, max_value
        self.needs_grad_norm = max_norm is not None

    def on_before_optimizer_step(self, step: int, logs: Logs | None = None) -> None:
        assert self.trainer is not None
        params = self.trainer.trainable_parameters
        norm = self.trainer.grad_norm
        if self.max_value is not None:
            nn.utils.clip_grad_value_(params, self.max_value)
            norm = None  # value clipping changed the norm
        if self.max_norm is not None:
            norm = norm if norm is not None else total_grad_norm(params)
            if norm is not None:
                clip_to_norm_(params, self.max_norm, norm)
