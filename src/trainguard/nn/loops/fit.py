"""The fit loop: epochs (each a training epoch, then validation), until done or ``stop_training``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trainguard.guards.core import GuardSet
from trainguard.nn.callbacks.base import CallbackList, Logs
from trainguard.nn.data import BatchSource, LoadedBatch
from trainguard.nn.guards.config import Guards
from trainguard.nn.guards.step import learning_rates
from trainguard.nn.loops.evaluation import EvaluationLoop
from trainguard.nn.loops.training_epoch import TrainingEpochLoop

if TYPE_CHECKING:
    from trainguard.nn.checkpointing import ResumePoint
    from trainguard.nn.trainer import Trainer


@dataclass
class FitState:
    """What the current ``fit`` call is doing; callbacks read it as ``trainer.fit_state``."""

    train: BatchSource
    val: BatchSource | None
    first_epoch: int
    epochs: int
    batch_size: int
    steps_per_epoch: int | None
    #: The guard objects of this fit (:mod:`trainguard.guards.core`), called through their hooks.
    guards: GuardSet
    needs_grad_norm: bool
    #: The guard settings this fit runs with (the Trainer's, unless a sweep narrowed them).
    settings: Guards
    first_batch_pending: bool = True
    skips_reported: bool = False
    #: The batch being trained on, for per-batch callback hooks (``None`` when no callback has one).
    batch: LoadedBatch | None = None

    @property
    def expected_batches(self) -> int | None:
        """Batches per epoch, once known (from steps_per_epoch, len() or the first epoch)."""
        length = self.guards.epoch_length
        return self.steps_per_epoch if length is None else length.expected


def lr_logs(lrs: list[float]) -> Logs:
    """``lr`` for the first param group, ``lr_1``, ``lr_2``... for the others."""
    return {"lr": lrs[0], **{f"lr_{i}": lr for i, lr in enumerate(lrs) if i}}


class FitLoop:
    """Epochs ``state.first_epoch`` onwards: callbacks around each, validation after each.

    A callback ends the fit by setting ``trainer.stop_training``; the epoch loop then stops after
    the current batch and the fit after the current epoch's end hooks.
    """

    def __init__(self, trainer: Trainer, state: FitState, callbacks: CallbackList) -> None:
        self.trainer = trainer
        self.state = state
        self.callbacks = callbacks
        self.epoch_loop = TrainingEpochLoop(trainer, state, callbacks)
        self.validation = EvaluationLoop(trainer)

    def run(self, resume: ResumePoint | None = None) -> None:
        trainer, state, callbacks = self.trainer, self.state, self.callbacks
        logs: Logs = {}
        try:
            callbacks.on_train_begin({})
            if resume is not None:  # the rest after on_train_begin, which resets callback state
                resume.apply(trainer)
            for epoch in range(state.first_epoch, state.first_epoch + state.epochs):
                logs = self.run_epoch(epoch)
                if trainer.stop_training:
                    break
            callbacks.on_train_end(logs)
        except BaseException as exc:
            callbacks.on_exception(exc)
            raise
        finally:
            trainer.grad_norm = None
            self.epoch_loop.step.reset()  # drop references to batches

    def run_epoch(self, epoch: int) -> Logs:
        trainer, state = self.trainer, self.state
        self.callbacks.on_epoch_begin(epoch, {})
        started = time.perf_counter()
        logs = self.epoch_loop.run(epoch)
        if state.val is not None:
            logs.update({f"val_{k}": v for k, v in self.validation.run(state.val).items()})
        logs.update(lr_logs(learning_rates(trainer.optimizer)))
        logs["time"] = time.perf_counter() - started
        trainer.epoch = epoch + 1  # completed; a checkpoint taken in on_epoch_end resumes at the next epoch
        self.callbacks.on_epoch_end(epoch, logs)
        return logs
