"""One training epoch: the batches, the per-batch hooks, and the epoch-length accounting."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from trainguard.findings import Severity
from trainguard.guards.core import BatchInfo, EpochInfo, EpochLengthGuard
from trainguard.guards.epoch_length import BY_STEPS, EpochLengthError
from trainguard.guards.nonfinite import skipped_finding
from trainguard.nn.callbacks.base import CallbackList, Logs
from trainguard.nn.data import BatchSource, LoadedBatch, batch_rows
from trainguard.nn.guards.step import learning_rates
from trainguard.nn.loops.optimization import OptimizationStep
from trainguard.nn.loops.reporting import fail, warn
from trainguard.nn.loops.stats import EpochStats

if TYPE_CHECKING:
    from trainguard.nn.loops.fit import FitState
    from trainguard.nn.trainer import Trainer

SkipReport = Literal["none", "raise", "warn", "record"]


def skip_report(skipped: int, received: int, already_warned: bool) -> SkipReport:
    """What to do about an epoch's skipped batches: nothing, warn (once per fit), record, or raise.

    An epoch that skipped every batch learned nothing, so that is an error whatever the policy.
    """
    if not skipped:
        return "none"
    if skipped >= received:
        return "raise"
    return "record" if already_warned else "warn"


def count_extra_batches(
    source: BatchSource, batches: Iterator[LoadedBatch], expected: int
) -> tuple[int, bool]:
    """Consume what the epoch still holds; stop at ``expected`` more (``capped``) for endless sources."""
    if source.exact_length:
        return max(0, (source.length() or 0) - expected), False
    cap = max(expected, 1)
    count = 0
    for _ in batches:
        count += 1
        if count >= cap:
            return count, True
    return count, False


class TrainingEpochLoop:
    """Runs the optimization step over one epoch's batches and sums what it did."""

    def __init__(self, trainer: Trainer, state: FitState, callbacks: CallbackList) -> None:
        self.trainer = trainer
        self.state = state
        self.callbacks = callbacks
        self.step = OptimizationStep(trainer, state, callbacks)

    def run(self, epoch: int) -> Logs:
        trainer, state, callbacks, optimization = self.trainer, self.state, self.callbacks, self.step
        trainer.module.train()
        stats = EpochStats(trainer.device)
        limit = state.expected_batches
        batches = state.train.epoch()
        received, interrupted = 0, False
        length_guard = state.guards.epoch_length
        check_empty = length_guard is not None and length_guard.check_empty  # exact sources have no empties
        scaled = trainer.scaler is not None
        monitor = optimization.monitor
        deferred = monitor is not None and monitor.check_every > 1  # judged at polls, not at each step
        for batch in itertools.islice(batches, limit) if limit is not None else batches:
            rows = batch_rows(batch.x)
            if check_empty and (empty := state.guards.on_batch_start(BatchInfo(epoch, received, rows))):
                fail(trainer, EpochLengthError, empty[0])
            step = trainer.global_step
            # no callback reads per-step logs (the usual case): don't build them or dispatch to nobody
            logs: Logs | None = None
            if callbacks.batch_hooks:
                state.batch = batch
                logs = {"batch": received, "size": rows}
                callbacks.on_batch_begin(step, logs)
            result = optimization.run(epoch, received, batch, stats, logs)
            skipped = result.skipped
            if not skipped:
                stats.add(result.loss, rows, result.grad_norm, result.pending, scaled=scaled)
            if logs is not None:
                logs["loss"], logs["skipped"] = result.loss, skipped
                callbacks.on_batch_end(step, logs)
            if deferred and monitor.due():
                optimization.poll(stats)
            received += 1
            if length_guard is not None:
                length_guard.on_batch_end(BatchInfo(epoch, received - 1))
            if trainer.stop_training:
                interrupted = True
                break
        state.batch = None
        optimization.poll(stats)
        self._check_epoch_length(epoch, batches, interrupted=interrupted)
        return self._epoch_logs(epoch, received, stats)

    def _epoch_logs(self, epoch: int, received: int, stats: EpochStats) -> Logs:
        logs = stats.read()
        trainer, state = self.trainer, self.state
        if trainer.scaler is not None:
            logs["loss_scale"] = trainer.scaler.get_scale()
        if state.settings.nonfinite in ("skip_batch", "reduce_lr"):
            logs["nonfinite_skipped"] = stats.skipped
        action = skip_report(stats.skipped, received, state.skips_reported)
        if action == "none" or stats.first_skipped is None:
            return logs
        if action == "raise":
            raise self.step.nonfinite_error(
                stats.first_skipped, note=f"every one of the {received} batches of epoch {epoch} was skipped"
            )
        finding = skipped_finding(
            epoch,
            stats.skipped,
            received,
            stats.first_skipped.step,
            str(state.settings.nonfinite),
            learning_rates(trainer.optimizer),
        )
        if action == "record":  # the per-epoch counts are in the history
            trainer.findings.append(finding)
        else:
            state.skips_reported = True
            warn(trainer, finding)
        return logs

    def _check_epoch_length(self, epoch: int, batches: Iterator[LoadedBatch], *, interrupted: bool) -> None:
        guard = self.state.guards.epoch_length
        if guard is None:
            return
        extra, capped = (0, False) if interrupted else self._extra_batches(batches, guard)
        for finding in guard.on_epoch_end(EpochInfo(epoch, extra, capped, interrupted)):
            if finding.severity is Severity.ERROR:
                fail(self.trainer, EpochLengthError, finding)
            warn(self.trainer, finding)

    def _extra_batches(self, batches: Iterator[LoadedBatch], guard: EpochLengthGuard) -> tuple[int, bool]:
        """Count batches past the declared length, once per fit; ``(count, stopped_counting)``."""
        source = self.state.train
        if not guard.wants_extra_count() or source.one_shot:
            return 0, False
        assert guard.expected is not None
        extra, capped = count_extra_batches(source, batches, guard.expected)
        if capped and guard.declared.by == BY_STEPS and source.length() is None:
            guard.endless_by_design()  # an endless stream cut by steps_per_epoch, as intended
            return 0, False
        return extra, capped
