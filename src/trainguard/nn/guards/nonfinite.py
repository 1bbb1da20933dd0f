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
from dataclasses import dataclass, field
from typing import Any, Final

import torch
from torch import Tensor, nn

from trainguard.findings import Finding, Severity
from trainguard.nn.data import all_finite, call_module, named_tensors
from trainguard.nn.guards.base import GuardError

POLICIES: Final = ("stop", "skip_batch", "reduce_lr")
#: Growth of the gradient norm over the history window that counts as exploding.
EXPLODING_FACTOR: Final = 10.0
#: Listing more parameter names than this helps nobody; the rest are counted.
_MAX_NAMES: Final = 5


class NonFiniteError(GuardError):
    """Training produced NaN or Inf; the message says where it started and why it likely did."""


# --- counting non-finite values ------------------------------------------------------------------


@dataclass(frozen=True)
class NonFiniteCount:
    """How many NaN, +Inf and -Inf values one named tensor holds."""

    name: str
    nan: int
    posinf: int
    neginf: int
    total: int

    @property
    def bad(self) -> int:
        return self.nan + self.posinf + self.neginf

    def describe(self) -> str:
        if not self.bad:
            return f"{self.name}: finite ({self.total} values)"
        kinds = [
            f"{n} {label}"
            for n, label in ((self.nan, "NaN"), (self.posinf, "+inf"), (self.neginf, "-inf"))
            if n
        ]
        return f"{self.name}: {', '.join(kinds)} of {self.total} values"


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


@dataclass(frozen=True)
class ModuleFault:
    """The first module, in execution order, whose output went non-finite from finite inputs."""

    name: str
    type_name: str
    output: list[NonFiniteCount]
    params_finite: bool
    param_max_abs: float | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.type_name})"


@dataclass(frozen=True)
class Reproduction:
    """What re-running the failing batch showed, stage by stage."""

    stage: str  # "inputs" | "forward" | "loss" | "backward" | "not reproduced" | "unavailable"
    origin: ModuleFault | None = None
    receiver: str | None = None  # first submodule that *received* non-finite input
    loss: float | None = None
    nonfinite_grads: list[str] = field(default_factory=list)
    note: str = ""


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


# --- evidence and diagnosis (pure) ---------------------------------------------------------------


@dataclass(frozen=True)
class GradNormTrend:
    """The gradient norms of the last steps and whether they were exploding."""

    norms: tuple[float, ...]
    exploding: bool
    growth: float | None

    def describe(self) -> str:
        if not self.norms:
            return "gradient norm: not recorded"
        values = ", ".join(f"{v:.3g}" for v in self.norms)
        if self.growth is None:
            verdict = "too few finite values to judge growth"
        elif self.exploding:
            verdict = f"grew {self.growth:.3g}x: exploding"
        else:
            verdict = f"changed {self.growth:.3g}x: no explosion"
        return f"gradient norm, last {len(self.norms)} steps: {values} ({verdict})"


def grad_norm_trend(norms: Sequence[float], *, factor: float = EXPLODING_FACTOR) -> GradNormTrend:
    """Judge divergence from the norms leading up to the failure: last finite over first finite."""
    finite = [v for v in norms if math.isfinite(v)]
    growth = finite[-1] / max(finite[0], 1e-12) if len(finite) >= 2 else None
    overflowed = bool(norms) and math.isinf(norms[-1]) and len(finite) >= 1
    exploding = (growth is not None and growth > factor) or overflowed
    return GradNormTrend(tuple(norms), exploding, growth)


@dataclass(frozen=True)
class NonFiniteEvidence:
    """Everything known about one failing step; the input to :func:`diagnose_nonfinite`."""

    epoch: int
    step: int
    batch_index: int
    loss: float | None
    grad_norm: float | None
    inputs: list[NonFiniteCount]
    targets: list[NonFiniteCount]
    reproduction: Reproduction
    nonfinite_params: list[str]
    grad_norms: list[float]
    lrs: list[float]
    note: str = ""
    largest_weight: tuple[str, float] | None = None  # (parameter name, max |value|)


def diagnose_nonfinite(ev: NonFiniteEvidence) -> Finding:
    """Turn the evidence of one failing step into a ranked, evidenced explanation."""
    trend = grad_norm_trend(ev.grad_norms)
    causes = _likely_causes(ev, trend)
    details = [_where_line(ev), *_evidence_lines(ev, trend), "Likely causes (most likely first):"]
    if ev.note:
        details.insert(0, f"Note: {ev.note}")
    details += [f"  {i}. {cause}" for i, (cause, _) in enumerate(causes, start=1)]
    return Finding(
        id="non-finite-training",
        severity=Severity.ERROR,
        message=_summary(ev),
        fix=causes[0][1],
        evidence={
            "epoch": ev.epoch,
            "step": ev.step,
            "batch_index": ev.batch_index,
            "loss": ev.loss,
            "grad_norm": ev.grad_norm,
            "stage": ev.reproduction.stage,
            "origin": ev.reproduction.origin.label if ev.reproduction.origin else None,
            "inputs_finite": not any(c.bad for c in ev.inputs),
            "targets_finite": not any(c.bad for c in ev.targets),
            "nonfinite_params": ev.nonfinite_params,
            "grad_norms": list(ev.grad_norms),
            "exploding": trend.exploding,
            "lrs": list(ev.lrs),
            "details": details,
        },
    )


def _fmt(value: float | None) -> str:
    return "not recorded" if value is None else f"{value:.4g}"


def _summary(ev: NonFiniteEvidence) -> str:
    at = f"at epoch {ev.epoch}, step {ev.step} (batch {ev.batch_index} of the epoch)"
    if any(c.bad for c in ev.inputs + ev.targets):
        what = "non-finite values in the batch data"
    elif ev.loss is not None and not math.isfinite(ev.loss):
        what = f"non-finite loss ({_fmt(ev.loss)})"
    else:
        what = f"non-finite gradient norm ({_fmt(ev.grad_norm)}) with a finite loss"
    return f"{what} {at}; training stopped, and this batch never reached the weights"


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_MAX_NAMES])
    return shown + (f" and {len(names) - _MAX_NAMES} more" if len(names) > _MAX_NAMES else "")


def _where_line(ev: NonFiniteEvidence) -> str:
    r = ev.reproduction
    if r.stage == "inputs":
        bad = [c.name for c in ev.inputs + ev.targets if c.bad]
        return f"Where: the batch data itself ({', '.join(bad)}), before the model ran"
    if r.stage == "forward" and r.origin is not None:
        counts = "; ".join(c.describe() for c in r.origin.output if c.bad)
        line = f"Where: module {r.origin.label} produced non-finite output ({counts}) from finite inputs"
        if r.receiver and not r.receiver.startswith(r.origin.name + " "):
            line += f"; inside it, {r.receiver} was the first submodule to receive non-finite values"
        return line
    if r.stage == "loss":
        return f"Where: the loss function: the model's outputs are finite but the loss is {_fmt(r.loss)}"
    if r.stage == "backward":
        return (
            f"Where: the backward pass: forward and loss ({_fmt(r.loss)}) are finite, but gradients "
            f"are non-finite in {_names(r.nonfinite_grads)}"
        )
    if r.stage == "not reproduced":
        return (
            f"Where: not reproduced: re-running the batch with the current weights gives a finite "
            f"loss ({_fmt(r.loss)})"
        )
    return f"Where: unknown: {r.note or 'the failing batch could not be re-run'}"


def _evidence_lines(ev: NonFiniteEvidence, trend: GradNormTrend) -> list[str]:
    lines = ["Evidence:"]
    data = ev.inputs + ev.targets
    if data:
        state = "finite" if not any(c.bad for c in data) else "NOT finite"
        lines.append(f"  - batch data {state}: " + "; ".join(c.describe() for c in data))
    else:
        lines.append("  - batch data: not available to re-check")
    lines.append(f"  - loss at the step: {_fmt(ev.loss)}; gradient norm: {_fmt(ev.grad_norm)}")
    lines.append(f"  - {trend.describe()}")
    lines.append(f"  - {_lr_text(ev.lrs)}")
    if ev.nonfinite_params:
        lines.append(f"  - parameters already non-finite: {_names(ev.nonfinite_params)}")
    else:
        lines.append("  - parameters: all finite")
    if ev.largest_weight is not None:
        lines.append(f"  - largest |weight| overall: {ev.largest_weight[1]:.3g} in {ev.largest_weight[0]}")
    origin = ev.reproduction.origin
    if origin is not None and origin.param_max_abs is not None:
        lines.append(f"  - largest |weight| in {origin.label}: {origin.param_max_abs:.3g}")
    return lines


def _lr_text(lrs: Sequence[float]) -> str:
    if not lrs:
        return "learning rate: unknown"
    if len(set(lrs)) == 1:
        return f"learning rate: {lrs[0]:.3g}"
    return "learning rates: " + ", ".join(f"group {i}: {lr:.3g}" for i, lr in enumerate(lrs))


def _likely_causes(ev: NonFiniteEvidence, trend: GradNormTrend) -> list[tuple[str, str]]:
    """(cause with its evidence, fix), most likely first; never empty."""
    causes: list[tuple[str, str]] = []
    bad_data = [c for c in ev.inputs + ev.targets if c.bad]
    lr = max(ev.lrs) if ev.lrs else None
    lower_lr = f"lower the learning rate (e.g. {lr / 10:.3g})" if lr else "lower the learning rate"
    if bad_data:
        causes.append(
            (
                "the training data holds NaN/Inf: " + "; ".join(c.describe() for c in bad_data),
                "clean the data before training: impute or drop missing values (e.g. sklearn SimpleImputer) "
                "and check preprocessing for division by zero or log of non-positive values",
            )
        )
    if trend.exploding or ev.nonfinite_params:
        why = (
            trend.describe()
            if trend.exploding
            else f"parameters {_names(ev.nonfinite_params)} are non-finite"
        )
        causes.append(
            (
                f"training diverged: {why}, at {_lr_text(ev.lrs)}",
                f"{lower_lr}, add GradientClipping(max_norm=1.0), and standardize inputs and targets",
            )
        )
    r = ev.reproduction
    if r.stage == "forward" and r.origin is not None:
        weights = "" if r.origin.params_finite else " (its own weights are already non-finite)"
        causes.append(
            (
                f"{r.origin.label} computes something undefined on finite inputs{weights}: log/division/sqrt "
                "of zero or negatives, exp/pow overflow",
                "guard the operation, e.g. torch.log(x.clamp_min(1e-8)), x / (d + 1e-8), or use stable "
                "ops (log_softmax, logsumexp, BCEWithLogitsLoss on logits)",
            )
        )
    elif trend.exploding and r.stage in ("loss", "backward", "not reproduced"):
        pass  # with exploding gradients, an overflowing loss or gradient is a symptom, not a second cause
    elif r.stage == "loss":
        causes.append(
            (
                "the loss is undefined for these finite outputs/targets (e.g. log of 0 in a hand-written "
                "loss, "
                "targets outside the loss's valid range)",
                "use a numerically stable loss on logits (BCEWithLogitsLoss, CrossEntropyLoss) or clamp "
                "inside a custom loss",
            )
        )
    elif r.stage == "backward":
        causes.append(
            (
                "an operation with an unbounded derivative at this point (sqrt or norm at 0, pow with a "
                f"negative exponent) in the path to {_names(r.nonfinite_grads)}",
                "add an epsilon inside sqrt/norm (torch.sqrt(x + 1e-8)) and clip gradients",
            )
        )
    elif r.stage == "not reproduced" and not trend.exploding:
        causes.append(
            (
                "the failure depends on the weights or randomness at that step (dropout), "
                "not on the batch alone",
                f"{lower_lr} and add GradientClipping(max_norm=1.0); pass Guards(check_every=1) to localize "
                "the exact step",
            )
        )
    if not causes:
        causes.append(
            (
                f"numerical instability at {_lr_text(ev.lrs)}",
                f"{lower_lr} and add GradientClipping(max_norm=1.0)",
            )
        )
    return causes


def skipped_finding(
    epoch: int, skipped: int, received: int, first_step: int | None, policy: str, lrs: Sequence[float]
) -> Finding:
    """Report, once per epoch, the batches a lenient policy skipped so they are never invisible."""
    lr_note = f"; {_lr_text(lrs)} now" if policy == "reduce_lr" else ""
    return Finding(
        id="non-finite-batches-skipped",
        severity=Severity.WARNING,
        message=(
            f"epoch {epoch}: skipped {skipped} of {received} batches with non-finite loss, gradients "
            f"or data (first at step {first_step}; policy {policy!r}){lr_note}; later epochs' counts are "
            "in the history column nonfinite_skipped"
        ),
        fix=(
            "find the cause with Guards(nonfinite='stop'), which stops at the first such batch "
            "and explains it"
        ),
        evidence={
            "epoch": epoch,
            "skipped": skipped,
            "received": received,
            "first_step": first_step,
            "policy": policy,
            "lrs": list(lrs),
        },
    )


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
