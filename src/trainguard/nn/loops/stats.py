"""Epoch sums of loss and gradient norm, kept where adding is cheapest and read once per epoch."""

from __future__ import annotations

import math
from typing import Final

import torch
from torch import Tensor

from trainguard.guards.core import StepInfo
from trainguard.nn.callbacks.base import Logs
from trainguard.nn.guards.nonfinite import StepRecord

#: Device-side epoch sums are added this many steps at a time (see EpochStats).
FLUSH_EVERY: Final = 32


def accumulator_dtype(device: torch.device) -> torch.dtype:
    return torch.float32 if device.type == "mps" else torch.float64  # MPS has no float64


class EpochStats:
    """Epoch sums of loss and gradient norm, kept where adding is cheapest and read once per epoch.

    On an accelerator the sums stay on the device: reading a value would stall the pipeline every
    step. On the CPU there is no pipeline to stall, and reading a 0-dim tensor (about 1 µs) is far
    cheaper than dispatching an in-place add (5-50 µs), so values are summed as Python floats.
    Steps judged later by the NaN guard (``ok`` is a device flag) are always summed on the device,
    masked by their flag.

    Device sums are taken ``FLUSH_EVERY`` steps at a time: the steps' 0-dim tensors are kept and
    summed with one stack and a few reductions, instead of four to nine tiny kernels per step (on
    a small model each launch costs about as much as a layer's matmul).
    """

    def __init__(self, device: torch.device) -> None:
        self.on_host = device.type == "cpu"
        self.dtype = accumulator_dtype(device)
        self.sums = torch.zeros(4, dtype=self.dtype, device=device)  # loss*rows, rows, grad norm, steps
        self.loss_sum, self.rows_sum, self.gnorm_sum, self.gnorm_steps = self.sums.unbind()
        self.host = [0.0, 0, 0.0, 0]  # the same four, summed on the host
        self.skipped = 0
        self.first_skipped: StepRecord | None = None
        self._read: tuple[Tensor, Tensor | None, float, float | None] | None = None
        self._pending: list[tuple[Tensor, int, Tensor | None, Tensor | None, bool]] = []

    def step_info(
        self,
        epoch: int,
        step: int,
        batch_index: int,
        loss: Tensor,
        gnorm: Tensor | None,
        judge_gnorm: bool,
        data_ok: Tensor | None,
    ) -> StepInfo:
        """The step as numbers for the NaN guard; the values read are kept so :meth:`add` needn't re-read."""
        loss_f = loss.item()
        gnorm_f = None if gnorm is None else gnorm.item()
        self._read = (loss, gnorm, loss_f, gnorm_f)
        return StepInfo(
            epoch,
            step,
            batch_index,
            loss_f,
            gnorm_f if judge_gnorm else None,
            data_ok is None or bool(data_ok),
        )

    def add(
        self, value: Tensor, rows: int, gnorm: Tensor | None, ok: Tensor | None, scaled: bool = False
    ) -> None:
        """Count one step; ``value`` is its detached loss (kept until the next flush on the device)."""
        if ok is not None or scaled or not self.on_host:
            self._pending.append((value, rows, gnorm, ok, scaled))
            if len(self._pending) >= FLUSH_EVERY:
                self._flush()
        else:
            read, self._read = self._read, None
            if read is not None and read[0] is value and read[1] is gnorm:  # read by step_info
                loss_f, gnorm_f = read[2], read[3]
            else:
                loss_f, gnorm_f = value.item(), None if gnorm is None else gnorm.item()
            self.host[0] += loss_f * rows
            self.host[1] += rows
            if gnorm_f is not None:
                self.host[2] += gnorm_f
                self.host[3] += 1

    def _flush(self) -> None:
        """Add the pending steps to the device sums, grouped so each group is a few vector ops."""
        groups: dict[tuple[int, bool, bool, bool], list[tuple[Tensor, Tensor | None, Tensor | None]]] = {}
        for value, rows, gnorm, ok, scaled in self._pending:
            key = (rows, ok is not None, gnorm is not None, scaled)
            groups.setdefault(key, []).append((value, gnorm, ok))
        self._pending = []
        for (rows, has_ok, has_gnorm, scaled), steps in groups.items():
            losses = torch.stack([value for value, _, _ in steps]).to(self.dtype)
            ok = torch.stack([flag for _, _, flag in steps if flag is not None]) if has_ok else None
            if ok is None:
                self.loss_sum.add_(losses.sum(), alpha=rows)
                self.host[1] += rows * len(steps)
            else:
                self.loss_sum.add_(torch.where(ok, losses, 0.0).sum(), alpha=rows)
                self.rows_sum.add_(ok.sum(), alpha=rows)
            if not has_gnorm:
                continue
            norms = torch.stack([norm for _, norm, _ in steps if norm is not None]).to(self.dtype)
            # GradScaler overflow steps have Inf norms: average the finite ones
            counted = torch.isfinite(norms) if scaled else None
            if ok is not None:
                counted = ok if counted is None else counted & ok
            if counted is None:
                self.gnorm_sum.add_(norms.sum())
                self.host[3] += len(steps)
            else:
                self.gnorm_sum.add_(torch.where(counted, norms, 0.0).sum())
                self.gnorm_steps.add_(counted.sum())

    def note_skipped(self, records: list[StepRecord]) -> None:
        self.skipped += len(records)
        if self.first_skipped is None and records:
            self.first_skipped = records[0]

    def read(self) -> Logs:
        self._flush()
        device_sums = self.sums.tolist()  # the epoch's one sync
        loss_sum, rows, gnorm_sum, steps = (h + d for h, d in zip(self.host, device_sums, strict=True))
        logs: Logs = {"loss": loss_sum / rows if rows else math.nan}
        if steps:
            logs["grad_norm"] = gnorm_sum / steps
        return logs
