"""Gradient norms and clipping without redundant passes over the gradients.

The Trainer computes the total gradient norm once per step (the NaN guard needs it); clipping then
reuses that norm instead of computing it again as ``clip_grad_norm_`` would.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn


def grads_of(params: Sequence[nn.Parameter]) -> list[Tensor]:
    return [p.grad for p in params if p.grad is not None]


def total_grad_norm(params: Sequence[nn.Parameter], norm_type: float = 2.0) -> Tensor | None:
    """The norm over all gradients as a device tensor (no host sync); ``None`` without gradients."""
    grads = grads_of(params)
    if not grads:
        return None
    if hasattr(nn.utils, "get_total_norm"):
        return nn.utils.get_total_norm(grads, norm_type=norm_type)
    norms = torch._foreach_norm(grads, norm_type)  # torch < 2.6
    return torch.linalg.vector_norm(torch.stack([n.to(norms[0].device) for n in norms]), norm_type)


def clip_to_norm_(params: Sequence[nn.Parameter], max_norm: float, total_norm: Tensor) -> None:
    """Scale gradients down so their total norm is at most ``max_norm``, given the norm already known."""
    if hasattr(nn.utils, "clip_grads_with_norm_"):
        nn.utils.clip_grads_with_norm_(params, max_norm, total_norm)  # takes parameters, reads .grad
        return
    grads = grads_of(params)
    if not grads:
        return
    coef = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)  # torch < 2.6
    torch._foreach_mul_(grads, coef)
