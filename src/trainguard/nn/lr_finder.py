"""Learning-rate finder: ``result = trainer.lr_find((X, y)); result.suggested_lr; result.plot()``.

The range test of Leslie Smith ("Cyclical Learning Rates for Training Neural Networks", 2017), as
fastai popularised it: train one batch per step while the learning rate grows exponentially from
``start_lr`` to ``end_lr`` over ``num_steps`` steps, record the loss at each learning rate, and stop
once the loss has clearly diverged. The loss falls slowly while the rate is too small, falls
fastest in a useful range, then blows up.

**What is recorded.** ``losses`` are smoothed by a debiased exponential moving average,
``avg = (1 - smooth) * avg + smooth * loss`` divided by ``1 - (1 - smooth) ** (step + 1)`` (Adam's
bias correction, so the first points are not pulled towards 0); ``smooth=1`` records the raw loss.
``raw_losses`` keeps the unsmoothed values. The lr recorded is the first parameter group's; other
groups keep their ratio to it (a backbone at 1/10 of the head stays at 1/10).

**When it stops.** After ``num_steps`` steps; or when the smoothed loss exceeds ``diverge_factor``
times the best smoothed loss so far (``best + (diverge_factor - 1) * |best|`` for losses that can be
negative), or the loss is NaN/Inf: divergence is the *expected* end of a sweep, so the Trainer's
NaN guard does not raise here; or when a one-shot iterator runs out. Finite data is required: a
batch holding NaN/Inf raises :class:`~trainguard.errors.DataError`, because bad data would look
like divergence. A non-finite loss at the very first step (at ``start_lr``, before any update
mattered) is not divergence either and raises :class:`~trainguard.errors.TrainguardError`.
The loss-function guard checks the first batch as in ``fit``.

**How it runs.** The sweep is ``fit``'s own loop (:mod:`trainguard.nn.loops`: the same
optimization step, precision and shuffling) with one callback,
:class:`~trainguard.nn.callbacks.lr_finder.LRFinder`, which sets the rate each step, records the
loss and stops the loop. The Trainer's own callbacks are not run: a scheduler would fight the
sweep, and History or checkpoints would record steps that are then undone.

**Nothing is left behind.** The weights and buffers, the optimizer (state and learning rates),
the GradScaler, the gradients, each submodule's train/eval mode, and every RNG the Trainer draws
from (Python, NumPy, torch, CUDA, the shuffle generator) are restored afterwards, even when the
sweep raises, so the next ``fit`` trains exactly as if ``lr_find`` had never run. The snapshot is
kept in memory on the training device (about one copy of the weights plus the optimizer's state).

**The suggestion: steepest descent.** ``suggested_lr`` is the learning rate where the smoothed loss
falls fastest per unit of log-lr, i.e. the most negative ``d loss / d log(lr)`` (central differences,
:func:`numpy.gradient`), ignoring the first tenth of the points (where the moving average is still
settling) and the last ``min(5, n/10)`` (the blow-up); ``None`` when the loss never falls there.
fastai offers several heuristics: ``steep`` is this one (fastai takes forward differences on the
same trimmed window); ``valley`` (fastai's default since 2021) finds the longest run of decreasing
loss and returns a point about two thirds of the way down it; ``minimum`` returns the lr of the
lowest loss divided by 10. ``valley`` is more robust on noisy curves with several dips (a single
spike can create a steep step), while steepest descent marks the point where learning is fastest,
which is what the range test is meant to find and is easy to explain and to check on the plot. The
price of the moving average is lag: the smoothed curve trails the raw one by about ``1 / smooth``
steps, so on a very short sweep the suggestion leans towards larger rates. Look at the plot before
trusting any single number.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor, nn

from trainguard.errors import ConfigError, TrainguardError
from trainguard.nn.callbacks.base import CallbackList
from trainguard.nn.callbacks.lr_finder import COMPLETED, DIVERGED, EXHAUSTED, NONFINITE, LRFinder
from trainguard.nn.seed import rng_state, set_rng_state

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from trainguard.nn.loops.fit import FitState
    from trainguard.nn.trainer import Trainer

__all__ = [
    "COMPLETED",
    "DIVERGED",
    "EXHAUSTED",
    "NONFINITE",
    "LRFinderResult",
    "lr_find",
    "steepest_descent",
]


@dataclass(frozen=True)
class LRFinderResult:
    """One learning-rate sweep: ``lrs[i]`` was used for the step whose smoothed loss is ``losses[i]``.

    ``suggestion`` is the *index* of the suggested point (``None`` when the loss never fell);
    ``suggested_lr`` is its learning rate. ``stop_reason`` is ``"completed"``, ``"diverged"``,
    ``"non-finite loss"`` or ``"data exhausted"``.
    """

    lrs: list[float]
    losses: list[float]
    suggestion: int | None
    raw_losses: list[float] = field(default_factory=list)
    stop_reason: str = COMPLETED

    @property
    def suggested_lr(self) -> float | None:
        """The lr at the steepest negative gradient of the smoothed loss over log(lr), or ``None``."""
        return None if self.suggestion is None else self.lrs[self.suggestion]

    @property
    def suggested_loss(self) -> float | None:
        return None if self.suggestion is None else self.losses[self.suggestion]

    @property
    def diverged(self) -> bool:
        """The sweep ended because the loss blew up (the usual end of a full range test)."""
        return self.stop_reason in (DIVERGED, NONFINITE)

    def to_frame(self) -> pd.DataFrame:
        """One row per step: ``lr``, smoothed ``loss``, ``raw_loss`` and a ``suggested`` flag."""
        import pandas as pd

        n = len(self.lrs)
        frame = pd.DataFrame(
            {
                "lr": self.lrs,
                "loss": self.losses,
                "raw_loss": self.raw_losses if len(self.raw_losses) == n else [math.nan] * n,
                "suggested": [i == self.suggestion for i in range(n)],
            }
        )
        frame.index.name = "step"
        return frame

    def plot(self, ax: Axes | None = None) -> Axes:
        """Smoothed loss against lr on a log axis, with a marker at the suggestion; returns the Axes.

        Draws into ``ax`` if given, else into a new figure (needs matplotlib).
        """
        if ax is None:
            try:
                import matplotlib.pyplot as plt
            except ImportError as exc:
                raise TrainguardError(
                    "plotting the learning-rate sweep needs matplotlib, which is not installed",
                    where="LRFinderResult.plot",
                    fix="pip install matplotlib (or read the numbers with result.to_frame())",
                ) from exc
            _, ax = plt.subplots()
        ax.plot(self.lrs, self.losses, label="loss (smoothed)")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("loss")
        if self.stop_reason == DIVERGED and len(self.losses) > 2:  # the blow-up point would squash the rest
            low, high = min(self.losses[:-1]), max(self.losses[:-1])
            margin = 0.05 * (high - low) or 0.05 * abs(high) or 1.0
            ax.set_ylim(low - margin, high + margin)
        lr, loss = self.suggested_lr, self.suggested_loss
        if lr is not None and loss is not None:
            ax.plot([lr], [loss], marker="o", markersize=8, color="red", linestyle="none",
                    label=f"steepest descent: lr={lr:.2e}")  # fmt: skip
        ax.legend()
        return ax

    def __repr__(self) -> str:
        if not self.lrs:
            return f"LRFinderResult(no points, stop_reason={self.stop_reason!r})"
        lr = "None" if self.suggested_lr is None else f"{self.suggested_lr:.3g}"
        return (
            f"LRFinderResult({len(self.lrs)} points, lr {self.lrs[0]:.3g}..{self.lrs[-1]:.3g}, "
            f"suggested_lr={lr}, stop_reason={self.stop_reason!r})"
        )


def steepest_descent(lrs: list[float], losses: list[float]) -> int | None:
    """Index of the most negative ``d loss / d log(lr)``, edges trimmed; ``None`` if nothing falls."""
    n = len(losses)
    lo, hi = n // 10, n - min(5, n // 10)
    if hi - lo < 3:
        return None
    y = np.asarray(losses[lo:hi], dtype=np.float64)
    slope = np.gradient(y, np.log(np.asarray(lrs[lo:hi], dtype=np.float64)))
    i = int(np.argmin(slope))
    return lo + i if slope[i] < 0 else None


def lr_find(
    trainer: Trainer,
    train: Any,
    *,
    start_lr: float = 1e-7,
    end_lr: float = 10,
    num_steps: int = 100,
    smooth: float = 0.05,
    diverge_factor: float = 4.0,
    batch_size: int | None = None,
) -> LRFinderResult:
    """Run the range test on ``trainer`` with any data ``fit`` accepts; see the module docstring.

    ``batch_size`` (in-memory data and Datasets) defaults to the last ``fit``'s, else 32.
    """
    _check_args(start_lr, end_lr, num_steps, smooth, diverge_factor, batch_size)
    finder = LRFinder(start_lr, end_lr, num_steps, smooth, diverge_factor)
    snapshot = _Snapshot.take(trainer)
    try:
        # Every epoch gives the sweep at least one step or ends it, so num_steps epochs are enough;
        # steps_per_epoch caps an endless source. Divergence is the expected end of a sweep, so
        # the NaN guard is off; so is the epoch-length guard (the sweep stops mid-epoch).
        trainer._run_fit_loop(
            train,
            None,
            epochs=num_steps,
            steps_per_epoch=num_steps,
            batch_size=batch_size or trainer._batch_size,
            shuffle=True,
            callbacks=CallbackList([finder], trainer=trainer),
            guards=replace(trainer.guards, nonfinite=None, epoch_length=False),
            role="lr_find",
        )
    finally:
        snapshot.restore(trainer)
    lrs, losses = finder.lrs, finder.losses
    return LRFinderResult(lrs, losses, steepest_descent(lrs, losses), finder.raw_losses, finder.stop_reason)


def _check_args(
    start_lr: float,
    end_lr: float,
    num_steps: int,
    smooth: float,
    diverge_factor: float,
    batch_size: int | None,
) -> None:
    def bad(name: str, value: Any, rule: str, example: str) -> ConfigError:
        return ConfigError(
            f"{name} must be {rule}, got {value!r}", where=f"Trainer.lr_find({name}=...)", fix=example
        )

    if not (isinstance(start_lr, (int, float)) and start_lr > 0 and math.isfinite(start_lr)):
        raise bad("start_lr", start_lr, "a positive number", "use e.g. start_lr=1e-7")
    if not (isinstance(end_lr, (int, float)) and end_lr > start_lr and math.isfinite(end_lr)):
        raise bad("end_lr", end_lr, f"a number greater than start_lr={start_lr!r}", "use e.g. end_lr=10")
    if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 2:
        raise bad("num_steps", num_steps, "an integer >= 2", "use e.g. num_steps=100")
    if not (isinstance(smooth, (int, float)) and 0 < smooth <= 1):
        raise bad("smooth", smooth, "in (0, 1] (1 = no smoothing)", "use e.g. smooth=0.05")
    if not (isinstance(diverge_factor, (int, float)) and diverge_factor > 1):
        raise bad("diverge_factor", diverge_factor, "greater than 1", "use e.g. diverge_factor=4")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise bad("batch_size", batch_size, "a positive integer or None", "use e.g. batch_size=64")


@dataclass
class _Snapshot:
    """Everything a sweep changes, copied so it can be put back exactly."""

    module: dict[str, Any]
    modes: list[tuple[nn.Module, bool]]
    grads: list[tuple[nn.Parameter, Tensor | None]]
    optimizer: dict[str, Any]
    scaler: dict[str, Any] | None
    rng: dict[str, Any]
    generator: torch.Generator | None
    generator_state: Tensor | None
    counters: tuple[int, int, bool, FitState | None]

    @classmethod
    def take(cls, trainer: Trainer) -> _Snapshot:
        module = trainer.module
        generator = trainer._generator
        return cls(
            module=copy.deepcopy(module.state_dict()),
            modes=[(m, m.training) for m in module.modules()],
            grads=[(p, None if p.grad is None else p.grad.detach().clone()) for p in module.parameters()],
            optimizer=copy.deepcopy(trainer.optimizer.state_dict()),
            scaler=None if trainer.scaler is None else copy.deepcopy(trainer.scaler.state_dict()),
            rng=rng_state(),
            generator=generator,
            generator_state=None if generator is None else generator.get_state(),
            counters=(trainer.epoch, trainer.global_step, trainer.stop_training, trainer.fit_state),
        )

    def restore(self, trainer: Trainer) -> None:
        trainer.module.load_state_dict(self.module)
        for m, training in self.modes:
            m.training = training
        for p, grad in self.grads:
            p.grad = grad
        trainer.optimizer.load_state_dict(self.optimizer)
        if trainer.scaler is not None and self.scaler is not None:
            trainer.scaler.load_state_dict(self.scaler)
        set_rng_state(self.rng)
        if self.generator is not None and self.generator_state is not None:
            self.generator.set_state(self.generator_state)  # in place: sources may hold this object
        trainer._generator = self.generator  # None again if the sweep came before the first fit
        trainer.epoch, trainer.global_step, trainer.stop_training, trainer.fit_state = self.counters
