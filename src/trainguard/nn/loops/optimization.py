"""One optimization step: forward, loss, backward, the guard's verdict, then step, skip or stop.

This is the Trainer's hot path, so it reads nothing from the host it does not need: with the NaN
guard checking every step it reads the loss and gradient norm once (and keeps the values for the
epoch sums); with ``check_every > 1`` it reads nothing and masks a bad step on the device.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import torch
from torch import Tensor

from trainguard.findings import Severity
from trainguard.guards.core import StepInfo, Verdict
from trainguard.guards.nonfinite import NonFiniteError
from trainguard.nn.callbacks.base import CallbackList, Logs
from trainguard.nn.data import LoadedBatch, call_module
from trainguard.nn.grads import grads_of
from trainguard.nn.guards.loss_mismatch import LossMismatchError, check_loss_inputs
from trainguard.nn.guards.nonfinite import NonFiniteMonitor, StepRecord, mask_nonfinite_step_
from trainguard.nn.guards.step import (
    diagnose_torch_step,
    learning_rates,
    scale_learning_rate_,
    step_grad_norm,
)
from trainguard.nn.loops.reporting import fail, warn
from trainguard.nn.loops.stats import EpochStats
from trainguard.nn.losses import check_scalar_loss
from trainguard.nn.precision import loss_scale_finding

if TYPE_CHECKING:
    from trainguard.nn.loops.fit import FitState
    from trainguard.nn.trainer import Trainer

#: A ``reduce_lr`` verdict divides every learning rate by 10.
LR_REDUCTION: Final = 0.1


@dataclass(slots=True)
class StepResult:
    """What one optimization step did; the epoch loop needs nothing else to account for it.

    ``verdict`` is ``STEP`` (the optimizer stepped), ``SKIP`` (a non-finite step was skipped) or
    ``REDUCE_LR`` (skipped, and the learning rate lowered); a ``STOP`` raises instead of returning.
    ``pending`` is the step's finiteness as a device flag when the guard judges it later
    (``check_every > 1``): the step went ahead with a bad step's gradients masked to zero.
    """

    loss: Tensor
    grad_norm: Tensor | None
    verdict: Verdict
    pending: Tensor | None = None

    @property
    def skipped(self) -> bool:
        return self.verdict is not Verdict.STEP


def finite_flag(loss: Tensor, gnorm: Tensor | None, data_ok: Tensor | None) -> Tensor:
    """The step's verdict as a device bool, computed without a host sync."""
    ok = torch.isfinite(loss) if loss.ndim == 0 else torch.isfinite(loss).all()
    if gnorm is not None:
        ok = ok & torch.isfinite(gnorm)
    return ok if data_ok is None else ok & data_ok


def loss_scale_due(global_step: int, check_every: int) -> bool:
    """Whether to read the GradScaler's scale after ``global_step`` steps (a host sync, so rarely)."""
    return global_step % check_every == 0


_STEPPED: Final = (Verdict.STEP, None)


class OptimizationStep:
    """Train one batch: the only place the Trainer calls ``backward`` and ``optimizer.step``.

    Holds the fit's NaN-guard monitor: batches judged later are polled by the epoch loop through
    :meth:`poll`, which acts on a bad step exactly as the step itself would have.
    """

    def __init__(self, trainer: Trainer, state: FitState, callbacks: CallbackList) -> None:
        self.trainer = trainer
        self.state = state
        self.callbacks = callbacks
        settings = state.settings
        self.monitor = (
            None
            if settings.nonfinite is None
            else NonFiniteMonitor(
                settings.check_every or 1, settings.grad_norm_history, settings.max_held_bytes
            )
        )

    def run(
        self, epoch: int, batch_index: int, batch: LoadedBatch, stats: EpochStats, logs: Logs | None
    ) -> StepResult:
        trainer, state = self.trainer, self.state
        optimizer, scaler, step = trainer.optimizer, trainer.scaler, trainer.global_step
        optimizer.zero_grad(set_to_none=True)
        with trainer.autocast():  # forward and loss only, as torch.autocast recommends
            output = call_module(trainer.module, batch.x)
            first = state.first_batch_pending
            if first:
                state.first_batch_pending = False
                self.check_first_batch(output, batch.y)
            loss = trainer.loss_fn(output, batch.y)
        if first:
            check_scalar_loss(loss)
        if scaler is None:
            loss.backward()
        else:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)  # true gradients for the norm, the guard and clipping
        gnorm = step_grad_norm(trainer.trainable_parameters) if state.needs_grad_norm else None
        trainer.grad_norm = gnorm
        loss_value = loss.detach()  # one detached view for the guard, the epoch sums and the logs
        try:
            verdict, pending = self._judge(epoch, batch_index, batch, loss_value, gnorm, stats)
            if verdict is Verdict.STEP:
                if logs is not None:
                    self.callbacks.on_before_optimizer_step(step, logs)
                if scaler is None:
                    optimizer.step()
                else:
                    scaler.step(optimizer)  # the scaler skips it if the gradients overflowed
        finally:
            if scaler is not None:
                scaler.update()  # close the scaler's step even when a guard raised, so fit can run again
        trainer.global_step = step + 1
        if (
            scaler is not None
            and self.monitor is not None
            and loss_scale_due(step + 1, self.monitor.check_every)
        ):
            finding = loss_scale_finding(scaler.get_scale(), epoch=epoch, step=step)
            if finding is not None:
                fail(trainer, NonFiniteError, finding)
        return StepResult(loss_value, gnorm, verdict, pending)

    def check_first_batch(self, output: Any, target: Any) -> None:
        """The loss/output guard, on the fit's first batch."""
        guard = self.state.guards.loss_mismatch
        if guard is None:
            return
        findings = guard.on_first_batch(check_loss_inputs(self.trainer.loss_fn, output, target))
        if findings and findings[0].severity is Severity.ERROR:
            fail(self.trainer, LossMismatchError, findings[0], others=findings[1:])
        for finding in findings:
            warn(self.trainer, finding)

    def _judge(
        self,
        epoch: int,
        batch_index: int,
        batch: LoadedBatch,
        loss: Tensor,
        gnorm: Tensor | None,
        stats: EpochStats,
    ) -> tuple[Verdict, Tensor | None]:
        """The NaN guard's verdict on the step: judged now, or a device flag judged at the next poll.

        ``loss`` is the step's detached loss (the graph is not needed to judge it).
        """
        monitor = self.monitor
        if monitor is None:
            return _STEPPED
        trainer, state = self.trainer, self.state
        step = trainer.global_step
        data_ok = state.train.data_ok(batch)
        deferred = monitor.check_every > 1
        # With a GradScaler, Inf gradients are its overflow signal (it skips the step): judge loss and data.
        judged = gnorm if trainer.scaler is None else None
        ok: bool | Tensor
        verdict: Verdict | None = None
        if deferred:
            ok = finite_flag(loss, judged, data_ok)
        else:
            info = stats.step_info(epoch, step, batch_index, loss, gnorm, judged is not None, data_ok)
            verdict = state.guards.before_optimizer_step(info)
            ok = verdict is Verdict.STEP
            if ok:  # the usual step: only its norm is kept (for a later diagnosis), nothing to poll
                if gnorm is not None:
                    monitor.norms.append((step, gnorm))
                return _STEPPED
        monitor.record(
            StepRecord(epoch, step, batch_index, batch.ref, loss, gnorm, ok, data_ok, batch.nbytes)
        )
        if deferred:
            assert isinstance(ok, Tensor)
            mask_nonfinite_step_(grads_of(trainer.trainable_parameters), ok)
            return Verdict.STEP, ok
        bad = monitor.poll()
        if not bad:
            return _STEPPED
        assert verdict is not None
        self._handle_nonfinite(bad, stats, verdict=verdict)
        trainer.optimizer.zero_grad(set_to_none=True)
        return verdict, None

    def poll(self, stats: EpochStats) -> None:
        """Judge the steps recorded since the last poll (``check_every > 1``) and act on bad ones."""
        if self.monitor is not None and (bad := self.monitor.poll()):
            self._handle_nonfinite(bad, stats)

    def reset(self) -> None:
        """Drop the monitor's references to batches (at the end of a fit)."""
        if self.monitor is not None:
            self.monitor.reset()

    def _handle_nonfinite(
        self, bad: list[StepRecord], stats: EpochStats, verdict: Verdict | None = None
    ) -> None:
        """Apply the guard's verdict on the bad steps (given when judged at once, else asked for now)."""
        guard = self.state.guards.nonfinite
        assert guard is not None
        model_caused = [r for r in bad if r.data_ok is None or bool(r.data_ok)]  # lr can't fix bad data
        if verdict is None:
            verdict = guard.on_bad_step(model_caused=bool(model_caused))
        if verdict is Verdict.STOP:
            raise self.nonfinite_error(model_caused[0] if guard.note else bad[0], note=guard.note)
        stats.note_skipped(bad)
        if verdict is Verdict.REDUCE_LR:
            scale_learning_rate_(self.trainer.optimizer, LR_REDUCTION)
            self.callbacks.on_lr_scaled(LR_REDUCTION)

    def nonfinite_error(self, rec: StepRecord, note: str = "") -> NonFiniteError:
        """Re-run the failing batch (if still held) and explain it as a NonFiniteError."""
        trainer = self.trainer
        batch = self.state.train.refetch(rec.ref) if rec.ref is not None else None
        gnorm = None if rec.grad_norm is None else float(rec.grad_norm)
        with trainer.autocast():  # re-run the batch in the precision it failed in
            finding = diagnose_torch_step(
                trainer.module,
                trainer.loss_fn,
                batch,
                StepInfo(rec.epoch, rec.step, rec.batch_index, float(rec.loss), gnorm),
                grad_norms=self.monitor.grad_norms_until(rec.step) if self.monitor else [],
                lrs=learning_rates(trainer.optimizer),
                note=note,
                unavailable=(
                    f"the batch is no longer held (check_every={self.state.settings.check_every}); "
                    "pass Guards(check_every=1) to localise the failure"
                ),
            )
        trainer.findings.append(finding)
        return NonFiniteError(finding, where="Trainer.fit")
