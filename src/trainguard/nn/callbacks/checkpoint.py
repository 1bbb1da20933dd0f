"""ModelCheckpoint: write ``best.ckpt`` and ``last.ckpt`` at epoch ends, for exact resume.

Each file holds the whole training state (see :mod:`trainguard.nn.checkpointing`), not just the
weights, so ``Trainer.fit(..., resume_from=dirpath)`` continues a killed run exactly where its last
completed epoch left it. The Trainer runs this callback after all the others (``runs_last``), so
the snapshot already includes what EarlyStopping, schedulers and History did at that epoch's end.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from trainguard.errors import ConfigError
from trainguard.nn.callbacks.base import Callback, Logs
from trainguard.nn.callbacks.early_stopping import Mode, infer_mode, is_improvement, missing_metric_error
from trainguard.nn.checkpointing import BEST, LAST, Encoded, capture, write_checkpoint

if TYPE_CHECKING:
    from trainguard.nn.trainer import Trainer


class ModelCheckpoint(Callback):
    """Save the best (by ``monitor``) and the latest training state under ``dirpath``.

    ``best.ckpt`` is considered every epoch, because skipping epochs could skip the best one;
    ``every_n_epochs`` only thins out ``last.ckpt``, which is also written at the fit's final epoch
    and whenever training is being stopped, so it always ends up holding the end state.
    ``monitor``/``mode`` mean what they mean for EarlyStopping (``"auto"``: ``max`` for accuracy-like
    names, else ``min``) and are ignored with ``save_best=False``.

    Pass it in ``Trainer(callbacks=[...])``: that is where it is moved after the other callbacks.
    Resume with ``trainer.fit(..., epochs=N, resume_from=dirpath)``, ``N`` being the run's total.
    Exactness covers what the Trainer owns; a DataLoader with its own ``generator`` is not captured.
    """

    #: Tells the Trainer to order this callback after every other one (see the module docstring).
    runs_last = True

    def __init__(
        self,
        dirpath: str | os.PathLike[str],
        monitor: str = "val_loss",
        mode: Mode = "auto",
        save_best: bool = True,
        save_last: bool = True,
        every_n_epochs: int = 1,
        verbose: int = 0,
    ) -> None:
        _validate(mode, save_best, save_last, every_n_epochs)
        self.dirpath = Path(dirpath)
        self.monitor = monitor
        self.mode: Literal["min", "max"] = infer_mode(monitor) if mode == "auto" else mode
        self.save_best, self.save_last, self.every_n_epochs = save_best, save_last, every_n_epochs
        self.verbose = verbose
        self._reset()

    @property
    def best_path(self) -> Path:
        return self.dirpath / BEST

    @property
    def last_path(self) -> Path:
        return self.dirpath / LAST

    def _reset(self) -> None:
        self.best: float | None = None
        self.best_epoch: int | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._reset()
        if self.dirpath.exists() and not self.dirpath.is_dir():
            raise ConfigError(
                f"{self.dirpath} is a file, not a directory",
                where="ModelCheckpoint(dirpath=...)",
                fix="pass a directory; best.ckpt and last.ckpt are written inside it",
            )
        self.dirpath.mkdir(parents=True, exist_ok=True)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        improved = self.save_best and self._improved(epoch, logs or {})
        due = self.save_last and self._last_due(epoch)
        if not (improved or due):
            return
        encoded = capture(self._trainer())  # once, after the best score above is part of our state
        if improved:
            self._write(encoded, self.best_path, f"{self.monitor} = {self.best:.4g}")
        if due:
            self._write(encoded, self.last_path, f"epoch {epoch}")

    def _improved(self, epoch: int, logs: Logs) -> bool:
        if self.monitor not in logs:
            raise missing_metric_error(self.monitor, logs, "ModelCheckpoint")
        current = float(logs[self.monitor])
        if not is_improvement(current, self.best, self.mode):
            return False
        self.best, self.best_epoch = current, epoch
        return True

    def _last_due(self, epoch: int) -> bool:
        trainer = self._trainer()
        state = trainer.fit_state
        final = state is not None and epoch == state.first_epoch + state.epochs - 1
        return (epoch + 1) % self.every_n_epochs == 0 or final or trainer.stop_training

    def _write(self, encoded: Encoded, path: Path, why: str) -> None:
        write_checkpoint(encoded, path)
        self.print(f"Saved {path} ({why})")

    def _trainer(self) -> Trainer:
        if self.trainer is None:
            raise ConfigError(
                "ModelCheckpoint is not attached to a Trainer",
                where="ModelCheckpoint",
                fix="pass it in Trainer(callbacks=[...])",
            )
        return self.trainer

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "best_epoch": self.best_epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best, self.best_epoch = state.get("best"), state.get("best_epoch")


def _validate(mode: str, save_best: bool, save_last: bool, every_n_epochs: int) -> None:
    where = "ModelCheckpoint(...)"
    if mode not in ("auto", "min", "max"):
        raise ConfigError(f"unknown mode {mode!r}", where=where, fix="use 'auto', 'min' or 'max'")
    if not (save_best or save_last):
        raise ConfigError("nothing to save", where=where, fix="keep save_best=True and/or save_last=True")
    if isinstance(every_n_epochs, bool) or not isinstance(every_n_epochs, int) or every_n_epochs < 1:
        raise ConfigError(
            f"every_n_epochs must be an integer >= 1, got {every_n_epochs!r}",
            where="ModelCheckpoint(every_n_epochs=...)",
            fix="e.g. every_n_epochs=1",
        )
