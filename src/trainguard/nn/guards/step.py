"""The torch side of the NaN guard, shared by every torch loop (Trainer, skorch, Lightning).

The loops differ in where they expose "after backward, before the optimizer step"; what they do
there is the same and lives here: read the step as numbers (:func:`step_numbers`), ask the
framework-neutral :class:`~trainguard.guards.core.NonFiniteGuard` for a verdict, and act on it: skip
the step exactly (:func:`skip_step_`: no gradient, so the optimizer leaves the parameter and its
state alone), lower the learning rate (:func:`scale_learning_rate_`), or re-run the batch and
explain it (:func:`diagnose_torch_step`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch
from torch import Tensor, nn
from torch.optim import Optimizer

from trainguard.findings import Finding
from trainguard.guards.core import StepInfo
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


def step_numbers(
    epoch: int, step: int, batch_index: int, loss: Tensor | float | None, params: Sequence[nn.Parameter]
) -> tuple[StepInfo, Tensor | None]:
    """The step as numbers for the guard (one host read for loss and norm together), and the norm."""
    gnorm = step_grad_norm(params)
    values: list[Tensor] = []
    if isinstance(loss, Tensor):
        values.append(loss.detach().float().reshape(()))
    if gnorm is not None:
        values.append(gnorm.detach().float().to(values[0].device if values else gnorm.device))
    read = torch.stack(values).tolist() if values else []
    loss_f = read.pop(0) if isinstance(loss, Tensor) else (None if loss is None else float(loss))
    gnorm_f = read[0] if gnorm is not None else None
    return StepInfo(epoch, step, batch_index, loss_f, gnorm_f), gnorm


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
    evidence = NonFiniteEvidence(
        epoch=info.epoch,
        step=info.step,
        batch_index=info.batch_index,
        loss=info.loss,
        grad_norm=info.grad_norm,
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
