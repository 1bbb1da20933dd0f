"""TensorBoard: the Trainer's curves as TensorBoard event files, via ``torch.utils.tensorboard``.

Per epoch: every numeric value of the epoch's logs (``loss``, ``val_loss``, ``lr``, the guard's
mean ``grad_norm``, ``time``, ...) under ``epoch/``. Per step, every ``update_freq`` steps: the
batch loss, the learning rate and the gradient norm the guard computed for that step, under
``step/``. Optionally weight histograms every ``histogram_freq`` epochs.

Reading a step's loss is a host sync, so per-step scalars are written only every ``update_freq``
steps (Keras' ``update_freq``), and not at all with the default ``"epoch"``. Needs the
``tensorboard`` package (``pip install 'trainguard[tensorboard]'``).
"""

from __future__ import annotations

import os
from numbers import Real
from pathlib import Path
from typing import Any

from trainguard.errors import ConfigError
from trainguard.nn.callbacks.base import Callback, Logs


def epoch_scalars(logs: Logs | None) -> dict[str, float]:
    """The epoch logs worth a curve: finite-or-not real numbers, never flags or counters' bools."""
    return {
        f"epoch/{key}": float(value)
        for key, value in (logs or {}).items()
        if isinstance(value, Real) and not isinstance(value, bool)
    }


def step_due(step: int, update_freq: int | str) -> bool:
    """Whether step ``step`` (0-based, global) gets per-step scalars."""
    return isinstance(update_freq, int) and (step + 1) % update_freq == 0


class TensorBoard(Callback):
    """Write the training curves of a :class:`~trainguard.nn.Trainer` fit to ``log_dir``.

    ``update_freq``: ``"epoch"`` (default) or every how many steps to write per-step scalars.
    ``histogram_freq``: every how many epochs to write weight histograms (0: never).
    A resumed fit continues the same curves: events after the resumed step are dropped first.
    """

    needs_grad_norm = True

    def __init__(
        self, log_dir: str | os.PathLike[str], *, update_freq: int | str = "epoch", histogram_freq: int = 0
    ) -> None:
        if not (update_freq == "epoch" or (isinstance(update_freq, int) and update_freq > 0)):
            raise ConfigError(
                f"update_freq must be 'epoch' or a positive number of steps, got {update_freq!r}",
                where="TensorBoard(update_freq=...)",
                fix="pass 'epoch', or e.g. 50 for every 50 steps",
            )
        if not (isinstance(histogram_freq, int) and histogram_freq >= 0):
            raise ConfigError(
                f"histogram_freq must be a whole number of epochs >= 0, got {histogram_freq!r}",
                where="TensorBoard(histogram_freq=...)",
                fix="pass 0 (no histograms) or e.g. 5",
            )
        self.log_dir = Path(log_dir)
        self.update_freq, self.histogram_freq = update_freq, histogram_freq
        self.needs_grad_norm = True
        self._writer: Any = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as exc:
            raise ConfigError(
                "the TensorBoard callback needs the tensorboard package",
                where="TensorBoard(...)",
                fix="pip install 'trainguard[tensorboard]'",
            ) from exc
        assert self.trainer is not None
        step = self.trainer.global_step
        self._writer = SummaryWriter(str(self.log_dir), purge_step=step or None)

    def on_batch_end(self, step: int, logs: Logs | None = None) -> None:
        if self._writer is None or not step_due(step, self.update_freq) or not logs or logs.get("skipped"):
            return
        assert self.trainer is not None
        self._writer.add_scalar("step/loss", float(logs["loss"]), step)
        self._writer.add_scalar("step/lr", float(self.trainer.optimizer.param_groups[0]["lr"]), step)
        if self.trainer.grad_norm is not None:
            self._writer.add_scalar("step/grad_norm", float(self.trainer.grad_norm), step)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self._writer is None:
            return
        for tag, value in epoch_scalars(logs).items():
            self._writer.add_scalar(tag, value, epoch)
        if self.histogram_freq and (epoch + 1) % self.histogram_freq == 0:
            assert self.trainer is not None
            for name, parameter in self.trainer.module.named_parameters():
                self._writer.add_histogram(f"weights/{name}", parameter.detach().cpu(), epoch)
        self._writer.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._close()

    def on_exception(self, exc: BaseException) -> None:
        self._close()

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def __getstate__(self) -> dict[str, Any]:
        """Copies (``clone``, pickling) never share or carry an open writer."""
        return {**self.__dict__, "_writer": None}


def tensorboard_callback(log_dir: str | os.PathLike[str] | None, family: str, fit: str) -> list[Callback]:
    """What ``trainguard train --tensorboard DIR`` adds to a network candidate's fit.

    One run folder per fit, ``DIR/<family>/<fit>`` (``fit`` as ``trial-3``, ``refit``), so TensorBoard
    shows each trial's curves side by side; nothing when ``log_dir`` is None.
    """
    if log_dir is None:
        return []
    return [TensorBoard(Path(log_dir) / family / fit)]
