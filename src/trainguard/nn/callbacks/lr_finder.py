"""The learning-rate range test as a callback: ``Trainer.lr_find`` runs it on the fit loop.

Each step it sets the learning rate (exponentially from ``start_lr`` to ``end_lr`` over
``num_steps`` steps, other param groups keeping their ratio to the first), records the step's loss
and its debiased moving average, and sets ``trainer.stop_training`` once the sweep is done: all
steps taken, the loss diverged or went non-finite, or the data ran out (an epoch with no batch).
See :mod:`trainguard.nn.lr_finder` for the method, the suggestion and what is restored afterwards.
"""

from __future__ import annotations

import math
from typing import Final

from torch import Tensor
from torch.optim import Optimizer

from trainguard.errors import DataError, TrainguardError
from trainguard.nn.callbacks.base import Callback, Logs
from trainguard.nn.data import LoadedBatch, all_finite
from trainguard.nn.guards.step import learning_rates

#: Why a sweep ended (``LRFinder.stop_reason``, ``LRFinderResult.stop_reason``).
COMPLETED: Final = "completed"
DIVERGED: Final = "diverged"
NONFINITE: Final = "non-finite loss"
EXHAUSTED: Final = "data exhausted"


def sweep_lr(start_lr: float, end_lr: float, num_steps: int, step: int) -> float:
    """The lr of ``step``: ``start_lr`` at 0, ``end_lr`` at ``num_steps - 1``, geometric in between."""
    return start_lr * ((end_lr / start_lr) ** (1.0 / (num_steps - 1))) ** step


def smoothed(average: float, loss: float, smooth: float, step: int) -> tuple[float, float]:
    """The moving average after ``loss`` at ``step`` and its bias-corrected value (as Adam corrects)."""
    beta = 1.0 - smooth
    average = beta * average + smooth * loss
    return average, average / (1.0 - beta ** (step + 1))


def diverged(smoothed_loss: float, best: float, factor: float) -> bool:
    """Above ``factor`` times the best so far (``best + (factor - 1) * |best|`` for a negative best)."""
    if not math.isfinite(best):
        return False
    limit = factor * best if best > 0 else best + (factor - 1.0) * abs(best)
    return smoothed_loss > limit


def lr_ratios(optimizer: Optimizer) -> list[float]:
    """Each param group's learning rate over the first group's (1 where that is 0)."""
    lrs = learning_rates(optimizer)
    base = lrs[0]
    return [lr / base if base > 0 else 1.0 for lr in lrs]


def set_lr_(optimizer: Optimizer, lr: float, ratios: list[float]) -> None:
    for group, ratio in zip(optimizer.param_groups, ratios, strict=True):
        if isinstance(group["lr"], Tensor):
            group["lr"].fill_(lr * ratio)
        else:
            group["lr"] = lr * ratio


def refuse_bad_start(batch: LoadedBatch | None, step: int, lr: float, loss: float) -> None:
    """A non-finite loss from bad data, or before the lr could matter, is not divergence."""
    flag = None if batch is None else all_finite(batch.x, batch.y)
    if flag is not None and not bool(flag):
        raise DataError(
            f"batch {step} of the lr_find sweep holds NaN/Inf values, which would look like divergence",
            where="Trainer.lr_find(train=...)",
            fix="clean the data first; Trainer.fit with the NaN guard on names the bad rows",
        )
    if step == 0:
        raise TrainguardError(
            f"the loss was {loss} at the first step (lr={lr:.3g}), before the learning rate could matter",
            where="Trainer.lr_find",
            fix="the model or loss produces non-finite values on its own: run Trainer.fit with the "
            "NaN guard on for a diagnosis",
        )


class LRFinder(Callback):
    """Sweep the learning rate over ``num_steps`` steps, recording ``lrs``, ``losses`` and ``raw_losses``.

    ``losses`` are smoothed (``smooth=1`` records the raw loss); ``stop_reason`` says why the sweep
    ended. Reads each step's loss (one host sync a step, which a sweep of ~100 steps can afford).
    """

    def __init__(
        self,
        start_lr: float = 1e-7,
        end_lr: float = 10,
        num_steps: int = 100,
        smooth: float = 0.05,
        diverge_factor: float = 4.0,
    ) -> None:
        super().__init__()
        self.start_lr, self.end_lr, self.num_steps = start_lr, end_lr, num_steps
        self.smooth, self.diverge_factor = smooth, diverge_factor
        self.lrs: list[float] = []
        self.losses: list[float] = []
        self.raw_losses: list[float] = []
        self.stop_reason = EXHAUSTED

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.lrs, self.losses, self.raw_losses = [], [], []
        self.stop_reason = EXHAUSTED
        self._ratios = lr_ratios(self.trainer.optimizer)
        self._average, self._best = 0.0, math.inf
        self._steps = 0  # steps taken, including one whose loss was not finite
        self._epoch_steps = 0

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch_steps = 0

    def on_batch_begin(self, step: int, logs: Logs | None = None) -> None:
        self._lr = sweep_lr(self.start_lr, self.end_lr, self.num_steps, self._steps)
        set_lr_(self.trainer.optimizer, self._lr, self._ratios)

    def on_batch_end(self, step: int, logs: Logs | None = None) -> None:
        assert logs is not None
        index, lr, loss = self._steps, self._lr, float(logs["loss"])
        self._steps += 1
        self._epoch_steps += 1
        if not math.isfinite(loss):
            state = self.trainer.fit_state
            refuse_bad_start(None if state is None else state.batch, index, lr, loss)
            self._stop(NONFINITE)
            return
        self._average, value = smoothed(self._average, loss, self.smooth, index)
        self.lrs.append(lr)
        self.losses.append(value)
        self.raw_losses.append(loss)
        if diverged(value, self._best, self.diverge_factor):
            self._stop(DIVERGED)
        elif self._steps >= self.num_steps:
            self._stop(COMPLETED)
        self._best = min(self._best, value)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self._epoch_steps:
            return
        if self._steps == 0:
            state = self.trainer.fit_state
            kind = "data" if state is None else state.train.kind
            raise DataError(
                f"the {kind} given to lr_find yielded no batches",
                where="Trainer.lr_find(train=...)",
                fix="pass data with at least one (x, y) batch",
            )
        self._stop(EXHAUSTED)  # a pass over the data yielded nothing: a used-up one-shot iterator

    def _stop(self, reason: str) -> None:
        self.stop_reason = reason
        self.trainer.stop_training = True
