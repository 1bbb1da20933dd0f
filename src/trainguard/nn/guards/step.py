"""The torch side of the NaN guard, shared by every torch loop (Trainer, skorch, Lightning).

The loops differ in where they expose "after backward, before the optimizer step"; what they do
there is the same and lives here: read the step as numbers (:func:`step_values`), ask the
framework-neutral :class:`~trainguard.guards.core.NonFiniteGuard` for a verdict, and act on it: skip
the step exactly (:func:`skip_step_`: no gradient, so the optimizer leaves the parameter and its
state alone), lower the learning rate (:func:`scale_learning_rate_`), or re-run the batch and
explain it (:func:`diagnose_torch_step`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import torch
from torch import Tensor, nn
from torch._utils import _flatten_dense_tensors
from torch.optim import Optimizer

from trainguard.findings import Finding
from trainguard.guards.core import NonFiniteGuard, StepInfo, Verdict
from trainguard.guards.nonfinite import NonFiniteEvidence, Reproduction, diagnose_nonfinite
from trainguard.nn.data import all_finite
from trainguard.nn.grads import total_grad_norm
from trainguard.nn.guards.nonfinite import count_all, largest_weight, nonfinite_parameters, reproduce_step

#: Learning-rate keys that schedulers keep in param groups; scaled together so none undoes the others.
LR_KEYS = ("lr", "initial_lr", "max_lr", "min_lr")


def step_grad_norm(params: Sequence[nn.Parameter]) -> Tensor | None:
    """The per-step total gradient norm: :func:`total_grad_norm`'s value at about a third of its cost.

    ``nn.utils.get_total_norm`` groups the gradients by device and dtype and takes one norm per
    tensor in Python on every call; with every gradient on one device (the usual case) one
    ``_foreach_norm`` and one norm of the stacked results give the same number. Gradients spread
    over several devices fall back to the general function.
    """
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return None
    try:
        return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    except RuntimeError:  # norms on several devices cannot be stacked
        return total_grad_norm(params)


#: Gradients a CPU dot product sums exactly enough, in place of ``_foreach_norm``'s norm per tensor.
FLAT_DTYPES: Final = frozenset({torch.float32, torch.float64})
#: Up to this many gradient values in all, copying them into one flat tensor and taking one dot
#: product costs less than ``_foreach_norm`` (a full torch call per tensor); above it, the copy costs more.
FLAT_MAX_VALUES: Final = 1 << 16


def flat_norm_fits(tensors: Iterable[Tensor]) -> bool:
    """Whether gradients shaped like ``tensors`` suit :func:`step_values`'s ``flat`` read: few, on the CPU.

    Judged once per fit from the parameters (their gradients share their device, dtype and size).
    """
    tensors = list(tensors)
    return all(t.is_cpu and t.dtype in FLAT_DTYPES for t in tensors) and (
        sum(t.numel() for t in tensors) <= FLAT_MAX_VALUES
    )


def step_values(
    loss: Tensor | float | None, grads: Sequence[Tensor], *, flat: bool = False
) -> tuple[float | None, float | None]:
    """The step's loss and total gradient norm as floats for the NaN guard, in one host read.

    ``flat`` (gradients that :func:`flat_norm_fits`): one copy into a flat tensor and one dot
    product; on the small models adapters mostly train on the CPU, the cost per torch call is what
    the check costs, and ``_foreach_norm`` there is a full norm call per tensor. Otherwise, or when
    that sum of squares is not finite (so that a bad step reads exactly as without ``flat``): two
    tensor ops whatever the number of gradients (``_foreach_norm``, one fused kernel on CUDA, and one
    ``stack`` that takes the loss along) and one read; the total norm is summed from the per-tensor
    norms on the host, which costs nothing next to a kernel launch.
    """
    if flat and grads:
        values = _flatten_dense_tensors(grads)  # one call: flatten and cat in C++ (as DDP buckets do)
        squares = float(torch.dot(values, values))
        if math.isfinite(squares):
            return (None if loss is None else float(loss)), math.sqrt(squares)
    tensors = list(torch._foreach_norm(grads)) if grads else []
    loss_tensor = isinstance(loss, Tensor)
    if loss_tensor:
        value = loss.detach() if loss.requires_grad else loss
        value = value if value.ndim == 0 else value.reshape(())
        if tensors and (value.dtype != tensors[0].dtype or value.device != tensors[0].device):
            value = value.to(tensors[0])
        tensors.append(value)
    try:
        read = torch.stack(tensors).tolist() if tensors else []
    except RuntimeError:  # gradients on several devices: read them one by one
        read = [float(t) for t in tensors]
    loss_f = read.pop() if loss_tensor else (None if loss is None else float(loss))
    grad_norm = math.hypot(*read) if grads else None  # exact like fsum, in C: NaN/Inf stay non-finite
    return loss_f, grad_norm


def with_data_verdict(info: StepInfo, *batch: Any) -> StepInfo:
    """The same step, with whether its batch data was finite (read only for a bad step)."""
    flag = all_finite(*batch)
    finite = flag is None or bool(flag)
    return StepInfo(info.epoch, info.step, info.batch_index, info.loss, info.grad_norm, finite)


def skip_step_(params: Iterable[nn.Parameter]) -> None:
    """Skip the coming optimizer step exactly: parameters without a gradient are left untouched."""
    for p in params:
        p.grad = None


def scale_learning_rate_(optimizer: Optimizer, factor: float) -> None:
    """Multiply every learning-rate key of every param group (float or tensor) by ``factor``."""
    for group in optimizer.param_groups:
        for key in LR_KEYS:
            if isinstance(group.get(key), Tensor):
                group[key].mul_(factor)
            elif isinstance(group.get(key), (int, float)):
                group[key] = group[key] * factor


def learning_rates(optimizer: Optimizer | None) -> list[float]:
    return [] if optimizer is None else [float(group["lr"]) for group in optimizer.param_groups]


def safe_reproduce(module: nn.Module, loss_fn: Any, x: Any, y: Any) -> Reproduction:
    """Diagnosis must never hide the original problem behind a new exception."""
    try:
        return reproduce_step(module, loss_fn, x, y)
    except Exception as exc:  # noqa: BLE001
        return Reproduction("unavailable", note=f"re-running the batch raised {type(exc).__name__}: {exc}")


def diagnose_torch_step(
    module: nn.Module,
    loss_fn: Callable[[Any, Any], Tensor],
    batch: tuple[Any, Any] | None,
    info: StepInfo,
    *,
    grad_norms: Sequence[float],
    lrs: Sequence[float],
    note: str = "",
    losses: Sequence[float] = (),
    unavailable: str = "the failing batch was not kept",
) -> Finding:
    """Re-run the failing batch module by module with the current (pre-step) weights and explain it."""
    if batch is None:
        inputs, targets = [], []
        repro = Reproduction("unavailable", note=unavailable)
    else:
        x, y = batch
        inputs, targets = count_all(x, "inputs"), count_all(y, "targets")
        repro = safe_reproduce(module, loss_fn, x, y)
    evidence = NonFiniteEvidence.for_step(
        info,
        inputs=inputs,
        targets=targets,
        reproduction=repro,
        nonfinite_params=nonfinite_parameters(module),
        largest_weight=largest_weight(module),
        grad_norms=list(grad_norms),
        lrs=list(lrs),
        note=note,
        losses=list(losses),
    )
    return diagnose_nonfinite(evidence)


def act_on_step(
    guard: NonFiniteGuard,
    info: StepInfo,
    batch: Sequence[Any],
    optimizer: Optimizer,
    params: Iterable[nn.Parameter],
    stop: Callable[[StepInfo, str], None],
) -> Verdict:
    """What a callback does just before ``optimizer.step``: ask ``guard`` about the step, act on it.

    The batch data is read for finiteness only when the step is bad (a finite step costs the one
    read :func:`step_values` made). ``stop(info, note)`` raises the diagnosis; after a skip or a
    learning-rate cut the gradients are dropped, so the optimizer leaves every parameter alone.
    """
    if not info.finite:
        info = with_data_verdict(info, *batch)
    verdict = guard.before_optimizer_step(info)
    if verdict is Verdict.STEP:
        return verdict
    if verdict is Verdict.STOP:
        stop(info, guard.note)
    if verdict is Verdict.REDUCE_LR:
        scale_learning_rate_(optimizer, 0.1)
    skip_step_(params)
    return verdict
