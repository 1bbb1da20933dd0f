"""Which guards run and how strictly: ``Trainer(guards=True | False | Guards(...))``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

import torch

from trainguard.errors import ConfigError
from trainguard.nn.guards.nonfinite import POLICIES

NonFinitePolicy = Literal["stop", "skip_batch", "reduce_lr"]

#: On an accelerator every flag read stalls the device pipeline; one read per this many steps is
#: cheap while still localising a failure to a short window.
ACCELERATOR_CHECK_EVERY: Final = 20


@dataclass(frozen=True)
class Guards:
    """Guard settings. ``Guards()`` is what ``guards=True`` means; ``Guards.off()`` disables all.

    ``nonfinite``: what to do when a loss, gradient or batch is NaN/Inf: ``"stop"`` raises
    NonFiniteError with a diagnosis, ``"skip_batch"`` skips the optimizer step, ``"reduce_lr"``
    skips it and divides the learning rate by 10 (at most ``max_lr_reductions`` times, then stops);
    ``None`` disables the check. ``check_every``: read the device-side flag every N steps; ``None``
    picks 1 on CPU and 20 on accelerators.
    """

    nonfinite: NonFinitePolicy | None = "stop"
    check_every: int | None = None
    epoch_length: bool = True
    loss_mismatch: bool = True
    grad_norm_history: int = 10
    max_lr_reductions: int = 5
    max_held_bytes: int = 256 * 2**20

    def __post_init__(self) -> None:
        if self.nonfinite is not None and self.nonfinite not in POLICIES:
            raise ConfigError(
                f"unknown non-finite policy {self.nonfinite!r}",
                where="Guards(nonfinite=...)",
                fix=f"use one of {', '.join(map(repr, POLICIES))} or None",
            )
        if self.check_every is not None and (not isinstance(self.check_every, int) or self.check_every < 1):
            raise ConfigError(
                f"check_every must be a positive integer, got {self.check_every!r}",
                where="Guards(check_every=...)",
                fix="use 1 to check every step",
            )
        if self.grad_norm_history < 1 or self.max_lr_reductions < 0:
            raise ConfigError(
                "grad_norm_history must be >= 1 and max_lr_reductions >= 0",
                where="Guards(...)",
                fix="use the defaults (10 and 5)",
            )

    @classmethod
    def off(cls) -> Guards:
        return cls(nonfinite=None, epoch_length=False, loss_mismatch=False)

    @classmethod
    def resolve(cls, guards: bool | Guards) -> Guards:
        if isinstance(guards, Guards):
            return guards
        if isinstance(guards, bool):
            return cls() if guards else cls.off()
        raise ConfigError(
            f"guards must be True, False or a Guards(...), got {guards!r}",
            where="Trainer(guards=...)",
            fix="pass guards=Guards(nonfinite='skip_batch') etc.",
        )

    def for_device(self, device: torch.device) -> Guards:
        """Fill in ``check_every`` for the device training runs on."""
        if self.check_every is not None:
            return self
        return replace(self, check_every=1 if device.type == "cpu" else ACCELERATOR_CHECK_EVERY)
