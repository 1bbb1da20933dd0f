"""ProgressBar: a rich progress bar per epoch on a terminal, one summary line per epoch elsewhere.

The bar advances by batch count only: showing the running loss would need a host sync per batch,
which is exactly what the training loop avoids. The loss is shown once per epoch.
"""

from __future__ import annotations

from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from trainguard.nn.callbacks.base import Callback, Logs


def format_logs(logs: Logs) -> str:
    """``loss 0.1234 · val_loss 0.2345 · lr 0.001`` from an epoch's logs."""
    parts = []
    for key, value in logs.items():
        if isinstance(value, float):
            parts.append(f"{key} {value:.4g}")
        elif isinstance(value, int) and not isinstance(value, bool):
            parts.append(f"{key} {value}")
    return " · ".join(parts)


class ProgressBar(Callback):
    """Added by the Trainer when ``verbose >= 1``. ``verbose=1``: a bar on terminals; 2: lines only."""

    def __init__(self, verbose: int = 1) -> None:
        self.verbose = verbose
        self._progress: Progress | None = None
        self._task: Any = None
        self._span: tuple[int, int] | None = None  # (first epoch, number of epochs) of this fit

    def on_train_begin(self, logs: Logs | None = None) -> None:
        assert self.trainer is not None
        state = self.trainer.fit_state
        self._span = (state.first_epoch, state.epochs) if state is not None else None
        console = self.trainer.console
        if self.verbose == 1 and console.is_terminal:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        if self._progress is None:
            return
        assert self.trainer is not None
        total = self.trainer.fit_state.expected_batches if self.trainer.fit_state else None
        self._task = self._progress.add_task(self._label(epoch), total=total)

    def on_batch_end(self, step: int, logs: Logs | None = None) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.remove_task(self._task)
            self._task = None
        if self.verbose and self.trainer is not None:
            self.trainer.print(f"{self._label(epoch)}: {format_logs(logs or {})}")

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._stop()

    def on_exception(self, exc: BaseException) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _label(self, epoch: int) -> str:
        if self._span is None:
            return f"epoch {epoch}"
        first, epochs = self._span
        return f"epoch {epoch} ({epoch - first + 1}/{epochs})"
