"""Early stopping: stop when the monitored metric stops improving, and keep the best weights.

The best weights are restored at the end of training whether or not training stopped early,
because the last epoch is rarely the best one and a model that "finished" is otherwise silently
worse than the one reported in its history.
"""

from __future__ import annotations

import math
from typing import Any, Final, Literal

from torch import Tensor

from trainguard.errors import ConfigError
from trainguard.nn.callbacks.base import Callback, Logs

Mode = Literal["auto", "min", "max"]
#: Metric names containing one of these improve upwards; everything else (losses, errors) downwards.
HIGHER_IS_BETTER: Final = ("acc", "auc", "f1", "precision", "recall", "r2", "iou", "map", "score")


def infer_mode(monitor: str) -> Literal["min", "max"]:
    name = monitor.lower()
    return "max" if any(token in name for token in HIGHER_IS_BETTER) else "min"


def is_improvement(
    current: float, best: float | None, mode: Literal["min", "max"], min_delta: float = 0.0
) -> bool:
    """Does ``current`` beat ``best`` by more than ``min_delta``? NaN never improves anything."""
    if current is None or math.isnan(current):
        return False
    if best is None or math.isnan(best):
        return True
    if mode == "min":
        return current < best - min_delta
    return current > best + min_delta


def missing_metric_error(monitor: str, logs: Logs, owner: str) -> ConfigError:
    available = ", ".join(sorted(logs)) or "none"
    fix = (
        "pass validation data to fit(val=...)"
        if monitor.startswith("val_")
        else f"monitor one of: {available}"
    )
    return ConfigError(
        f"{owner} monitors {monitor!r}, which is not in the epoch logs (available: {available})",
        where=f"{owner}(monitor={monitor!r})",
        fix=fix,
    )


class EarlyStopping(Callback):
    """Stop after ``patience`` epochs without improvement of ``monitor`` by more than ``min_delta``."""

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: Mode = "auto",
        patience: int = 5,
        min_delta: float = 0.0,
        restore_best_weights: bool = True,
        verbose: int = 0,
    ) -> None:
        if mode not in ("auto", "min", "max"):
            raise ConfigError(
                f"unknown mode {mode!r}", where="EarlyStopping(mode=...)", fix="use 'auto', 'min' or 'max'"
            )
        if patience < 0 or min_delta < 0:
            raise ConfigError(
                "patience and min_delta must be >= 0",
                where="EarlyStopping(...)",
                fix="e.g. EarlyStopping(patience=5, min_delta=0.0)",
            )
        self.monitor, self.patience, self.min_delta = monitor, patience, abs(min_delta)
        self.mode: Literal["min", "max"] = infer_mode(monitor) if mode == "auto" else mode
        self.restore_best_weights, self.verbose = restore_best_weights, verbose
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.last_epoch: int | None = None
        self.best_weights: dict[str, Tensor] | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.monitor not in logs:
            raise missing_metric_error(self.monitor, logs, "EarlyStopping")
        current = float(logs[self.monitor])
        self.last_epoch = epoch
        if is_improvement(current, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self._snapshot()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            assert self.trainer is not None
            self.trainer.stop_training = True
            self.print(
                f"Early stopping at epoch {epoch}: {self.monitor} has not improved on "
                f"{self.best:.4g} (epoch {self.best_epoch}) for {self.wait} epochs"
            )

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.best_weights is None or self.trainer is None or self.best_epoch == self.last_epoch:
            return
        self.trainer.module.load_state_dict(self.best_weights)
        self.print(f"Restored the weights of epoch {self.best_epoch} ({self.monitor} = {self.best:.4g})")

    def _snapshot(self) -> dict[str, Tensor]:
        """A copy on the same device: one model's worth of memory, no host round trip per epoch."""
        assert self.trainer is not None
        return {k: v.detach().clone() for k, v in self.trainer.module.state_dict().items()}

    def state_dict(self) -> dict[str, Any]:
        return {
            "wait": self.wait,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "stopped_epoch": self.stopped_epoch,
            "last_epoch": self.last_epoch,
            "best_weights": self.best_weights,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for key in ("wait", "best", "best_epoch", "stopped_epoch", "last_epoch", "best_weights"):
            setattr(self, key, state.get(key))
        self.wait = self.wait or 0
