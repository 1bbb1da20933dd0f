"""LRScheduler: drive any torch learning-rate scheduler from the training loop.

The scheduler is built by a factory at the start of every fit, because a scheduler is bound to one
optimizer and to one run's schedule (OneCycleLR's total_steps); building it up front would tie the
callback to a single fit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from torch.optim import Optimizer
from torch.optim.lr_scheduler import ReduceLROnPlateau

from trainguard.errors import ConfigError
from trainguard.nn.callbacks.base import Callback, Logs
from trainguard.nn.callbacks.early_stopping import missing_metric_error

Interval = Literal["epoch", "step"]


class LRScheduler(Callback):
    """``LRScheduler(lambda opt: CosineAnnealingLR(opt, T_max=10))``; ``interval="step"`` for OneCycleLR.

    ``monitor`` names the epoch log fed to ``ReduceLROnPlateau`` (e.g. ``"val_loss"``); it is
    required for that scheduler and refused for the others, which take no metric.
    """

    def __init__(
        self,
        scheduler_factory: Callable[[Optimizer], Any],
        interval: Interval = "epoch",
        monitor: str | None = None,
    ) -> None:
        if interval not in ("epoch", "step"):
            raise ConfigError(
                f"unknown interval {interval!r}",
                where="LRScheduler(interval=...)",
                fix="use 'epoch' or 'step'",
            )
        if not callable(scheduler_factory):
            raise ConfigError(
                "scheduler_factory must be a callable taking the optimizer",
                where="LRScheduler(scheduler_factory=...)",
                fix="pass e.g. lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=10)",
            )
        self.factory, self.interval, self.monitor = scheduler_factory, interval, monitor
        self.scheduler: Any = None
        self._pending_state: dict[str, Any] | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        assert self.trainer is not None
        self.scheduler = self.factory(self.trainer.optimizer)
        if not hasattr(self.scheduler, "step"):
            raise ConfigError(
                f"the factory returned {type(self.scheduler).__name__}, not a scheduler",
                where="LRScheduler(scheduler_factory=...)",
                fix="return a torch.optim.lr_scheduler object from the factory",
            )
        self._check_monitor()
        if self._pending_state is not None:
            self.scheduler.load_state_dict(self._pending_state)
            self._pending_state = None

    def _check_monitor(self) -> None:
        plateau = isinstance(self.scheduler, ReduceLROnPlateau)
        where = "LRScheduler(monitor=...)"
        if plateau and self.monitor is None:
            raise ConfigError(
                "ReduceLROnPlateau needs a metric to watch",
                where=where,
                fix="pass monitor='val_loss' (or 'loss' without validation data)",
            )
        if plateau and self.interval != "epoch":
            raise ConfigError(
                "ReduceLROnPlateau watches epoch metrics",
                where="LRScheduler(interval=...)",
                fix="use interval='epoch'",
            )
        if not plateau and self.monitor is not None:
            raise ConfigError(
                f"{type(self.scheduler).__name__} takes no metric, but monitor={self.monitor!r} was given",
                where=where,
                fix="drop monitor=, or use ReduceLROnPlateau",
            )

    def on_batch_end(self, step: int, logs: Logs | None = None) -> None:
        if self.interval == "step":
            self.scheduler.step()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.interval != "epoch":
            return
        if self.monitor is None:
            self.scheduler.step()
            return
        logs = logs or {}
        if self.monitor not in logs:
            raise missing_metric_error(self.monitor, logs, "LRScheduler")
        self.scheduler.step(float(logs[self.monitor]))

    def on_lr_scaled(self, factor: float) -> None:
        """Scale the schedule's anchors too, or it would undo a NaN guard's lr reduction next step."""
        if self.scheduler is None:
            return
        if hasattr(self.scheduler, "base_lrs"):
            self.scheduler.base_lrs = [lr * factor for lr in self.scheduler.base_lrs]
        if isinstance(self.scheduler, ReduceLROnPlateau):
            self.scheduler.min_lrs = [lr * factor for lr in self.scheduler.min_lrs]

    def state_dict(self) -> dict[str, Any]:
        if self.scheduler is not None:
            return {"scheduler": self.scheduler.state_dict()}
        return {"scheduler": self._pending_state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Applied now if the scheduler exists, else when the next fit builds it."""
        scheduler_state = state.get("scheduler")
        if scheduler_state is None:
            return
        if self.scheduler is not None:
            self.scheduler.load_state_dict(scheduler_state)
        else:
            self._pending_state = scheduler_state
