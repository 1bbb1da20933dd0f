"""The search's side of the contract with a network's training: report each epoch, stop by flag.

A trial of a family that ``reports_epochs`` passes an :class:`EpochReporter` to the candidate's
``fit(..., epoch_callbacks=[...])`` for that one fit. After each epoch it hands the validation
loss to the pruner, as ``-loss``, and checks the trial's time limit. It never raises inside the
training loop: it sets ``trainer.stop_training`` and records a :class:`Verdict`, which the
search turns into the pruning or out-of-time outcome once the fit has returned.

This module imports torch (through the callback base class), so the search imports it only when
a network is searched.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

from trainguard.nn.callbacks.base import Callback
from trainguard.selection.budget import TrialLimit
from trainguard.selection.engine import Report


class Verdict(StrEnum):
    """Why a reporter stopped the training it watched."""

    PRUNED = "pruned"
    OUT_OF_TIME = "out-of-time"


class EpochReporter(Callback):
    """Per-epoch pruning reports and time checks for one fit; ``verdict`` is None if it ran on."""

    def __init__(self, report: Report | None, offset: int, limit: TrialLimit | None = None) -> None:
        super().__init__()
        self.report = report
        self.offset = offset
        self.limit = limit
        self.verdict: Verdict | None = None
        self._epoch = 0

    def on_train_begin(self, logs: Any = None) -> None:
        self._epoch = 0

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        loss = (logs or {}).get("val_loss")
        if self.report is not None and loss is not None and math.isfinite(loss):
            import optuna

            try:
                self.report(self.offset + self._epoch, -float(loss))
            except optuna.TrialPruned:
                self._stop(Verdict.PRUNED)
        if self.verdict is None and self.limit is not None and self.limit.spent():
            self._stop(Verdict.OUT_OF_TIME)
        self._epoch += 1

    def _stop(self, verdict: Verdict) -> None:
        self.verdict = verdict
        if self.trainer is not None:
            self.trainer.stop_training = True
