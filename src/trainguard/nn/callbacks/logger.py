"""LoggerCallback: the hook point for experiment trackers (MLflow, W&B, TensorBoard, a CSV file).

A tracker only needs ``log(metrics, step)``; pass any such callable, e.g.
``LoggerCallback(mlflow.log_metrics)`` or ``LoggerCallback(lambda m, step: run.log(m, step=step))``,
or subclass and override :meth:`log`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from trainguard.errors import ConfigError
from trainguard.nn.callbacks.base import Callback, Logs

LogFn = Callable[[dict[str, float], int], Any]


class LoggerCallback(Callback):
    """Send each epoch's numeric logs to ``log(metrics, step)``.

    ``step="epoch"`` passes the epoch number; ``"global_step"`` the number of batches so far, for
    trackers that also receive per-step data. ``prefix`` namespaces the keys (``"train/"``).
    """

    def __init__(
        self, log: LogFn | None = None, *, step: Literal["epoch", "global_step"] = "epoch", prefix: str = ""
    ) -> None:
        if step not in ("epoch", "global_step"):
            raise ConfigError(
                f"unknown step {step!r}", where="LoggerCallback(step=...)", fix="use 'epoch' or 'global_step'"
            )
        if log is not None and not callable(log):
            raise ConfigError(
                "log must be a callable log(metrics, step)",
                where="LoggerCallback(log=...)",
                fix="pass e.g. mlflow.log_metrics",
            )
        self._log_fn, self.step, self.prefix = log, step, prefix

    def log(self, metrics: dict[str, float], step: int) -> None:
        """Override in a subclass, or pass ``log=`` to the constructor."""
        if self._log_fn is None:
            raise NotImplementedError("pass log= or override LoggerCallback.log")
        self._log_fn(metrics, step)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        assert self.trainer is not None
        metrics = {
            f"{self.prefix}{k}": float(v)
            for k, v in (logs or {}).items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        }
        self.log(metrics, epoch if self.step == "epoch" else self.trainer.global_step)
