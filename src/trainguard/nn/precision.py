"""Mixed precision: ``Trainer(..., precision="32" | "bf16" | "16-mixed")``.

* ``"32"`` (default): plain float32 (or whatever dtype the model has), no autocast.
* ``"bf16"``: the forward pass and the loss run under ``torch.autocast(dtype=torch.bfloat16)``, on
  CUDA or on the CPU. bfloat16 has float32's exponent range, so gradients cannot overflow and no
  loss scaling is needed; the weights and the optimizer stay in float32.
* ``"16-mixed"``: float16 autocast plus a ``torch.amp.GradScaler``, **CUDA only**. float16 overflows
  above 65504 and underflows small gradients to zero, so the loss is multiplied by a scale before
  ``backward()``; the scaler unscales the gradients, *skips* the optimizer step when they hold
  Inf/NaN (the scale was too large) and halves the scale, and grows it again after a run of good
  steps. On the CPU ``"16-mixed"`` raises :class:`~trainguard.errors.ConfigError`: CPU float16
  kernels are slow and CPU autocast is designed for bfloat16, so silently falling back would hide
  that the run is not what was asked for (use ``"bf16"`` there, or ``"32"``).

How the NaN guard cooperates with the scaler: an overflow in the *scaled* gradients is the
scaler's normal way of finding its scale, so with ``"16-mixed"`` the guard no longer judges the
gradient norm; it still judges the loss (a non-finite loss is a real failure, not an overflow of
the scale) and the batch data. Gradients that are non-finite at every step, which the scaler would
"handle" forever by shrinking the scale while no step is ever taken, are caught separately: when
the loss scale falls below :data:`MIN_LOSS_SCALE` the guard stops training with a
:class:`~trainguard.nn.guards.NonFiniteError` (checked every ``Guards.check_every`` steps, so on
CUDA it costs one host sync per 20 steps).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Final, Literal

import torch

from trainguard.errors import ConfigError
from trainguard.findings import Finding, Severity

Precision = Literal["32", "bf16", "16-mixed"]
PRECISIONS: Final = ("32", "bf16", "16-mixed")
#: Other spellings users bring from Lightning; each means the same as its value.
_ALIASES: Final[dict[Any, str]] = {32: "32", "32-true": "32", "bf16-mixed": "bf16", 16: "16-mixed"}
#: Below this the loss is scaled *down* and the gradients still overflow: no step can ever be taken.
MIN_LOSS_SCALE: Final = 1.0

_DTYPES: Final = {"bf16": torch.bfloat16, "16-mixed": torch.float16}


def resolve_precision(precision: Any, device: torch.device) -> str:
    """The canonical precision name, or a ConfigError saying why it cannot run on ``device``."""
    name = _ALIASES.get(precision, precision)
    if name not in PRECISIONS:
        raise ConfigError(
            f"unknown precision {precision!r}",
            where="Trainer(precision=...)",
            fix="use '32' (default), 'bf16' (CUDA or CPU) or '16-mixed' (CUDA)",
        )
    if name == "16-mixed" and device.type != "cuda":
        raise ConfigError(
            f"precision='16-mixed' (float16 autocast with a GradScaler) needs a CUDA device, "
            f"but the Trainer runs on {device.type}",
            where="Trainer(precision=...)",
            fix="use precision='bf16' for mixed precision on the CPU, or precision='32'",
        )
    if name == "bf16" and device.type not in ("cuda", "cpu"):
        raise ConfigError(
            f"precision='bf16' is supported on CUDA and the CPU, not on {device.type}",
            where="Trainer(precision=...)",
            fix="use precision='32' on this device",
        )
    return name


def autocast_factory(precision: str, device: torch.device) -> Callable[[], AbstractContextManager[Any]]:
    """A zero-argument callable giving the context to run forward and loss in (a no-op for "32")."""
    dtype = _DTYPES.get(precision)
    if dtype is None:
        return contextlib.nullcontext
    device_type = device.type

    def autocast() -> AbstractContextManager[Any]:
        return torch.autocast(device_type=device_type, dtype=dtype)

    return autocast


def make_scaler(precision: str, device: torch.device) -> torch.amp.GradScaler | None:
    """A GradScaler for ``"16-mixed"``; ``None`` otherwise (bfloat16 and float32 need no scaling)."""
    if precision != "16-mixed":
        return None
    return torch.amp.GradScaler(device.type)


def loss_scale_finding(scale: float, *, epoch: int, step: int) -> Finding | None:
    """An error finding when the GradScaler's scale collapsed: the gradients are never finite."""
    if scale >= MIN_LOSS_SCALE:
        return None
    return Finding(
        id="loss-scale-collapsed",
        severity=Severity.ERROR,
        message=(
            f"the float16 loss scale fell to {scale:.3g} by epoch {epoch}, step {step}: the gradients "
            "were Inf/NaN at (nearly) every step, so the GradScaler skipped every optimizer step; "
            "training stopped"
        ),
        fix=(
            "find the operation with precision='32' and the NaN guard on (it stops at the first "
            "non-finite gradient and names the module); or train with precision='bf16', whose range "
            "does not overflow"
        ),
        evidence={
            "epoch": epoch,
            "step": step,
            "loss_scale": scale,
            "min_loss_scale": MIN_LOSS_SCALE,
            "details": [
                f"The GradScaler halves its scale at every step whose gradients hold Inf/NaN; it fell "
                f"below {MIN_LOSS_SCALE:g}, so the gradients overflow even when the loss is scaled down.",
                "An occasional skipped step is normal with precision='16-mixed'; this is not.",
            ],
        },
    )
