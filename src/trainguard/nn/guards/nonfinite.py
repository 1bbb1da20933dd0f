"""NaN/Inf guard: catch a non-finite loss or gradient before it reaches the weights, then explain it.

Checking happens *before* ``optimizer.step()``: one NaN gradient written into Adam's moment buffers
poisons every later step, and the weights a user would inspect are already garbage. A step is bad
when its loss, its total gradient norm or its batch data is not finite:

* ``check_every == 1`` (the default on CPU, where reading a 0-dim tensor is a plain memory read):
  the verdict is read each step and a bad step is skipped exactly (no optimizer step at all).
* ``check_every > 1`` (the default on accelerators, where every read is a host sync that stalls the
  pipeline): the verdict stays a device flag, the gradients of a bad step are zeroed on the device
  (``masked_fill_``, no sync) so the weights stay finite, and the flags are read every
  ``check_every`` steps and at epoch end. With a momentum optimizer a masked step still applies the
  momentum it carries: set ``check_every=1`` for an exact skip at the cost of one sync per step.

When a bad step is found the policy decides: ``"stop"`` re-runs the kept batch with forward hooks on
every submodule to find the first module whose output went non-finite from finite inputs, and
raises :class:`NonFiniteError` with the evidence; ``"skip_batch"`` and ``"reduce_lr"`` carry on.
The diagnosis itself is the pure function :func:`diagnose_nonfinite`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from trainguard.guards.nonfinite import (
    EXPLODING_FACTOR,
    POLICIES,
    GradNormTrend,
    ModuleFault,
    NonFiniteCount,
    NonFiniteError,
    NonFiniteEvidence,
    Reproduction,
    diagnose_nonfinite,
    grad_norm_trend,
    skipped_finding,
)
from trainguard.nn.data import all_finite, call_module, named_tensors

__all__ = [
    "EXPLODING_FACTOR",
    "POLICIES",
    "GradNormTrend",
    "ModuleFault",
    "NonFiniteCount",
    "NonFiniteError",
    "NonFiniteEvidence",
    "Reproduction",
    "diagnose_nonfinite",
    "grad_norm_trend",
    "skipped_finding",
]

# --- counting non-finite values ------------------------------------------------------------------


def count_nonfinite(name: str, tensor: Tensor) -> NonFiniteCount:
    if not (tensor.is_floating_point() or tensor.is_complex()):
        return NonFiniteCount(name, 0, 0, 0, tensor.numel())
    t = torch.view_as_real(tensor.detach()) if tensor.is_complex() else tensor.detach()
    counts = torch.stack([torch.isnan(t).sum(), torch.isposinf(t).sum(), torch.isneginf(t).sum()])
    nan, posinf, neginf = (int(v) for v in counts.tolist())
    return NonFiniteCount(name, nan, posinf, neginf, t.numel())


def count_all(obj: Any, name: str) -> list[NonFiniteCount]:
    """Counts for every tensor in a batch element (``inputs``, ``inputs[0]``, ...)."""
    return [count_nonfinite(n, t) for n, t in named_tensors(obj, name)]


def _has_nonfinite(obj: Any) -> bool:
    flag = all_finite(obj)
    return flag is not None and not bool(flag)


def nonfinite_parameters(module: nn.Module, *, grads: bool = False) -> list[str]:
    """Names of parameters (or of their gradients) that hold NaN/Inf."""
    names = []
    for name, p in module.named_parameters():
        t = p.grad if grads else p
        if t is not None and not bool(torch.isfinite(t).all()):
            names.append(name)
    return names


def largest_weight(module: nn.Module) -> tuple[str, float] | None:
    """The parameter with the largest finite magnitude: huge weights are the footprint of divergence."""
    best: tuple[str, float] | None = None
    for name, p in module.named_parameters():
        finite = p.detach()[torch.isfinite(p.detach())]
        if finite.numel():
            value = float(finite.abs().max())
            if best is None or value > best[1]:
                best = (name, value)
    return best


def mask_nonfinite_step_(grads: Sequence[Tensor], ok: Tensor) -> None:
    """Zero every gradient when ``ok`` is False, without reading ``ok`` on the host.

    ``masked_fill_`` overwrites NaN (multiplying by 0 would keep it), so the optimizer step that
    follows only sees finite numbers.
    """
    bad = ~ok
    for g in grads:
        g.masked_fill_(bad, 0.0)


# --- reproducing a failing batch -----------------------------------------------------------------


def module_label(name: str, module: nn.Module) -> str:
    return f"{name or 'model'} ({type(module).__name__})"


def trace_forward(module: nn.Module, x: Any) -> tuple[Any, ModuleFault | None, str | None]:
    """Run ``module(x)`` with a forward hook on every submodule; return output, origin, receiver.

    Hooks fire when a module *finishes*, so children report before their parent. The origin is the
    first module with finite inputs and a non-finite output; if that is a container, the non-finite
    values came from its own forward code between submodules, and ``receiver`` names the submodule
    that received them first.
    """
    names: dict[nn.Module, str] = {}
    for name, sub in module.named_modules(remove_duplicate=True):
        names.setdefault(sub, name)
    found: dict[str, Any] = {}

    def hook(sub: nn.Module, args: tuple[Any, ...], output: Any) -> None:
        if "origin" in found:
            return
        inputs_bad = _has_nonfinite(args)
        if inputs_bad and "receiver" not in found:
            found["receiver"] = module_label(names.get(sub, "?"), sub)
        if not inputs_bad and _has_nonfinite(output):
            found["origin"] = _fault(names.get(sub, "?"), sub, output)

    handles = [sub.register_forward_hook(hook) for sub in names]
    try:
        with torch.no_grad():
            output = call_module(module, x)
    finally:
        for handle in handles:
            handle.remove()
    return output, found.get("origin"), found.get("receiver")


def _fault(name: str, sub: nn.Module, output: Any) -> ModuleFault:
    params = [p.detach() for p in sub.parameters(recurse=False)]
    finite = all(bool(torch.isfinite(p).all()) for p in params)
    max_abs = max((float(p.abs().max()) for p in params if p.numel()), default=None)
    return ModuleFault(name or "model", type(sub).__name__, count_all(output, "output"), finite, max_abs)


def reproduce_step(module: nn.Module, loss_fn: Any, x: Any, y: Any) -> Reproduction:
    """Re-run one batch to find the stage where non-finite values first appear.

    Leaves ``.grad`` cleared. Runs in the module's current mode, so dropout may not reproduce exactly.
    """
    if _has_nonfinite(x) or _has_nonfinite(y):
        return Reproduction("inputs")
    output, origin, receiver = trace_forward(module, x)
    if origin is not None:
        return Reproduction("forward", origin=origin, receiver=receiver)
    module.zero_grad(set_to_none=True)
    try:
        with torch.enable_grad():
            loss = loss_fn(call_module(module, x), y)
            loss_value = float(loss.detach().float().mean())
            if not math.isfinite(loss_value):
                return Reproduction("loss", loss=loss_value)
            loss.backward()
        bad_grads = nonfinite_parameters(module, grads=True)
    finally:
        module.zero_grad(set_to_none=True)
    if bad_grads:
        return Reproduction("backward", loss=loss_value, nonfinite_grads=bad_grads)
    return Reproduction("not reproduced", loss=loss_value)


# --- the runtime monitor -------------------------------------------------------------------------


@dataclass(eq=False)
class StepRecord:
    """One training step as the guard remembers it: device tensors only, nothing read yet."""

    epoch: int
    step: int
    batch_index: int
    ref: Any  # what the batch source needs to hand the batch back; None once evicted
    loss: Tensor
    grad_norm: Tensor | None
    ok: Tensor | bool  # a device flag when judged later, a bool when judged at once
    data_ok: Tensor | None
    nbytes: int = 0


class NonFiniteMonitor:
    """Keeps the last steps' flags, gradient norms and batch references until they are read.

    Batch references are bounded twice: at most ``check_every`` of them, and at most
    ``max_held_bytes`` of streamed batch data (index tensors of in-memory data cost nothing), so a
    large image batch is never held fifty times over. A failing step whose batch was evicted is
    still reported, without the forward localisation.
    """

    def __init__(self, check_every: int, history: int = 10, max_held_bytes: int = 256 * 2**20) -> None:
        self.check_every = check_every
        self.history = history
        self.max_held_bytes = max_held_bytes
        self.reset()

    def reset(self) -> None:
        self.window: deque[StepRecord] = deque()
        self.norms: deque[tuple[int, Tensor]] = deque(maxlen=self.history + self.check_every)
        self.held_bytes = 0

    def record(self, rec: StepRecord) -> None:
        if rec.grad_norm is not None:
            self.norms.append((rec.step, rec.grad_norm))
        self.window.append(rec)
        self.held_bytes += rec.nbytes
        while len(self.window) > self.check_every:
            self._drop(self.window.popleft())
        for old in self.window:
            if self.held_bytes <= self.max_held_bytes or old is rec:
                break
            self._evict(old)

    def due(self) -> bool:
        return len(self.window) >= self.check_every

    def poll(self) -> list[StepRecord]:
        """Read every pending flag with one host sync; return the bad steps and clear the window."""
        if not self.window:
            return []
        records = list(self.window)
        if all(isinstance(r.ok, bool) for r in records):
            flags = [r.ok for r in records]
        else:
            flags = torch.stack([torch.as_tensor(r.ok) for r in records]).tolist()
        self.window.clear()
        self.held_bytes = 0
        return [r for r, ok in zip(records, flags, strict=True) if not ok]

    def grad_norms_until(self, step: int) -> list[float]:
        """The recorded norms up to and including ``step``, the last ``history`` of them."""
        norms = [t for s, t in self.norms if s <= step][-self.history :]
        return [float(v) for v in torch.stack(norms).float().tolist()] if norms else []

    def _evict(self, rec: StepRecord) -> None:
        self.held_bytes -= rec.nbytes
        rec.ref, rec.nbytes = None, 0

    def _drop(self, rec: StepRecord) -> None:
        self.held_bytes -= rec.nbytes
        rec.nbytes = 0
