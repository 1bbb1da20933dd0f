"""Trainer: a PyTorch training loop with guards that stop silent failures.

The loop itself is ordinary (forward, loss, backward, step); what it adds is what hand-written
loops get wrong:

* **speed without host syncs**: in-memory data is batched by indexing device tensors (see
  :mod:`trainguard.nn.data`); the epoch loss and gradient norm are summed on the device and read
  once per epoch; per-batch ``logs`` carry device tensors, never ``.item()`` values.
* **guards** (:mod:`trainguard.nn.guards`): the NaN/Inf check runs *before* ``optimizer.step()``
  so a bad batch never reaches the weights; each epoch must have its declared number of batches;
  the first batch of every fit is checked against the loss function.
* **reproducibility**: the first ``fit`` seeds every RNG, and shuffling draws from the Trainer's own
  seeded generator, so two Trainers with the same seed and initial weights train identically.

``trainer.epoch`` counts completed epochs and ``trainer.global_step`` processed batches (including
batches a lenient NaN policy skipped) over the Trainer's life; each ``fit(epochs=n)`` trains ``n``
more epochs. :meth:`Trainer.state_dict` gathers everything a checkpoint needs; ModelCheckpoint
writes it and ``fit(..., epochs=N, resume_from=dir)`` continues a killed run exactly, ``N`` then
being the run's total (see :mod:`trainguard.nn.checkpointing`).
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, NoReturn

import torch
from torch import Tensor, nn
from torch.optim import Optimizer

from trainguard.errors import ConfigError, DataError
from trainguard.findings import Finding, Severity
from trainguard.guards.base import GuardError, warn_finding
from trainguard.guards.core import (
    BatchInfo,
    EpochInfo,
    EpochLengthGuard,
    FitInfo,
    GuardSet,
    LossMismatchGuard,
    StepInfo,
    Verdict,
)
from trainguard.guards.epoch_length import BY_STEPS, EpochLengthError
from trainguard.guards.nonfinite import NonFiniteError, skipped_finding
from trainguard.nn.callbacks.base import Callback, CallbackList, Logs
from trainguard.nn.callbacks.history import History
from trainguard.nn.callbacks.progress import ProgressBar
from trainguard.nn.checkpointing import open_resume
from trainguard.nn.data import BatchSource, LoadedBatch, as_batch_source, batch_rows, call_module
from trainguard.nn.grads import grads_of
from trainguard.nn.guards.config import Guards
from trainguard.nn.guards.loss_mismatch import LossMismatchError, check_loss_inputs
from trainguard.nn.guards.nonfinite import NonFiniteMonitor, StepRecord, mask_nonfinite_step_
from trainguard.nn.guards.step import (
    diagnose_torch_step,
    learning_rates,
    scale_learning_rate_,
    step_grad_norm,
)
from trainguard.nn.losses import check_scalar_loss
from trainguard.nn.precision import (
    Precision,
    autocast_factory,
    loss_scale_finding,
    make_scaler,
    resolve_precision,
)
from trainguard.nn.seed import rng_state, seed_everything, set_rng_state, use_deterministic_algorithms

if TYPE_CHECKING:
    from rich.console import Console

    from trainguard.nn.lr_finder import LRFinderResult

OptimizerSpec = (
    Optimizer
    | type[Optimizer]
    | tuple[type[Optimizer], Mapping[str, Any]]
    | Callable[[list[nn.Parameter]], Optimizer]
    | None
)
_LR_REDUCTION = 0.1
#: Device-side epoch sums are added this many steps at a time (see _EpochStats).
_FLUSH_EVERY = 32


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
    first_batch_pending: bool = True
    skips_reported: bool = False

    @property
    def expected_batches(self) -> int | None:
        """Batches per epoch, once known (from steps_per_epoch, len() or the first epoch)."""
        length = self.guards.epoch_length
        return self.steps_per_epoch if length is None else length.expected


class Trainer:
    """Train a ``torch.nn.Module`` with guards on: ``Trainer(model, nn.MSELoss()).fit((X, y), epochs=20)``.

    ``optimizer``: ``None`` (Adam, lr 1e-3), an optimizer instance, an optimizer class, a
    ``(class, kwargs)`` pair, or a callable ``params -> optimizer``. ``device="auto"`` picks CUDA when
    available. ``guards``: ``True``, ``False`` or :class:`~trainguard.nn.guards.Guards`.
    ``verbose``: 0 silent (guard warnings go through :mod:`warnings`), 1 progress bar on terminals
    and epoch lines elsewhere, 2 epoch lines only; at 1 and 2 guard warnings are printed instead.
    ``precision``: ``"32"`` (default), ``"bf16"`` (bfloat16 autocast, CUDA or CPU) or ``"16-mixed"``
    (float16 autocast with a GradScaler, CUDA only); see :mod:`trainguard.nn.precision`.
    """

    def __init__(
        self,
        module: nn.Module,
        loss: Callable[[Any, Any], Tensor],
        optimizer: OptimizerSpec = None,
        callbacks: Iterable[Callback] = (),
        seed: int | None = 0,
        device: str | torch.device = "auto",
        deterministic: bool = False,
        guards: bool | Guards = True,
        verbose: int = 0,
        precision: Precision | str = "32",
    ) -> None:
        if not isinstance(module, nn.Module):
            raise ConfigError(
                f"module must be a torch.nn.Module, got {type(module).__name__}",
                where="Trainer(module=...)",
                fix="pass the model, e.g. nn.Sequential(...)",
            )
        if not callable(loss):
            raise ConfigError(
                f"loss must be callable, got {loss!r}",
                where="Trainer(loss=...)",
                fix="pass a loss module such as nn.MSELoss() or a function (output, target) -> loss",
            )
        if not isinstance(verbose, int) or verbose < 0:
            raise ConfigError(
                f"verbose must be 0, 1 or 2, got {verbose!r}",
                where="Trainer(verbose=...)",
                fix="use verbose=1 for a progress bar",
            )
        self.device = resolve_device(device)
        self.module = module.to(self.device)
        self.loss_fn = loss
        self.guards = Guards.resolve(guards).for_device(self.device)
        self.precision = resolve_precision(precision, self.device)
        self._autocast = autocast_factory(self.precision, self.device)
        #: The float16 GradScaler (``precision="16-mixed"``), else ``None``; checkpoint its state_dict().
        self.scaler = make_scaler(self.precision, self.device)
        self.seed, self.deterministic, self.verbose = seed, deterministic, verbose
        self.trainable_parameters = _trainable(module)
        self.optimizer = build_optimizer(optimizer, module, self.trainable_parameters)
        self.callbacks, self.history = _callback_list(callbacks, verbose, self)
        self.stop_training = False
        self.epoch = 0
        self.global_step = 0
        #: The current step's total gradient norm before clipping (device tensor), when computed.
        self.grad_norm: Tensor | None = None
        #: Every guard finding of this Trainer's fits, warnings and errors alike.
        self.findings: list[Finding] = []
        self.fit_state: FitState | None = None
        self._generator: torch.Generator | None = None
        self._monitor: NonFiniteMonitor | None = None
        self._console: Console | None = None
        self._batch_size = 32

    # --- public API ------------------------------------------------------------------------------

    def fit(
        self,
        train: Any,
        val: Any = None,
        epochs: int = 10,
        steps_per_epoch: int | None = None,
        batch_size: int = 32,
        shuffle: bool = True,
        resume_from: str | os.PathLike[str] | None = None,
    ) -> History:
        """Train ``epochs`` more epochs; returns (and keeps as ``trainer.history``) this fit's History.

        ``batch_size`` and ``shuffle`` apply to in-memory data and Datasets; DataLoaders and batch
        iterables batch themselves. ``steps_per_epoch`` declares the epoch length (required for a
        one-shot generator over several epochs).

        ``resume_from``: a :class:`~trainguard.nn.callbacks.ModelCheckpoint` file or directory (its
        ``last.ckpt``). Training continues after the checkpoint's last completed epoch, with every
        weight, optimizer/scheduler/callback state, counter and RNG as they were, so the result equals
        an uninterrupted run bit for bit on the CPU. Here ``epochs`` is the run's *total*, not "more":
        re-running the original ``fit(..., epochs=N)`` call with ``resume_from`` added finishes it.
        """
        _check_int("epochs", epochs, minimum=0)
        _check_int("batch_size", batch_size, minimum=1)
        if steps_per_epoch is not None:
            _check_int("steps_per_epoch", steps_per_epoch, minimum=1)
        resume = None if resume_from is None else open_resume(self, resume_from, epochs)
        self._ensure_seeded()
        if resume is not None:  # counters first: the fit starts at the checkpoint's epoch
            self.epoch, self.global_step, epochs = resume.epoch, resume.global_step, resume.remaining(epochs)
        state = self._start_fit(train, val, epochs, steps_per_epoch, batch_size, shuffle)
        logs: Logs = {}
        try:
            self.callbacks.on_train_begin({})
            if resume is not None:  # the rest after on_train_begin, which resets callback state
                resume.apply(self)
            for epoch in range(state.first_epoch, state.first_epoch + epochs):
                logs = self._run_epoch(epoch, state)
                if self.stop_training:
                    break
            self.callbacks.on_train_end(logs)
        except BaseException as exc:
            self.callbacks.on_exception(exc)
            raise
        finally:
            self.grad_norm = None
            if self._monitor is not None:
                self._monitor.reset()  # drop references to batches
        return self.history

    def lr_find(
        self,
        train: Any,
        start_lr: float = 1e-7,
        end_lr: float = 10,
        num_steps: int = 100,
        smooth: float = 0.05,
        diverge_factor: float = 4.0,
        batch_size: int | None = None,
    ) -> LRFinderResult:
        """Sweep the learning rate exponentially over ``num_steps`` batches and suggest one.

        Weights, optimizer, scaler and RNG state are restored afterwards, so the next ``fit`` starts
        exactly as if the sweep never ran. See :func:`trainguard.nn.lr_finder.lr_find`.
        """
        from trainguard.nn.lr_finder import lr_find

        return lr_find(
            self,
            train,
            start_lr=start_lr,
            end_lr=end_lr,
            num_steps=num_steps,
            smooth=smooth,
            diverge_factor=diverge_factor,
            batch_size=batch_size,
        )

    def evaluate(self, data: Any, batch_size: int | None = None) -> dict[str, float]:
        """Mean loss over ``data`` (sample-weighted), in eval mode without gradients."""
        source = self._source(data, role="evaluate", batch_size=batch_size or self._batch_size, shuffle=False)
        return self._evaluate_source(source)

    def predict(self, data: Any, batch_size: int | None = None) -> Tensor:
        """Model outputs for ``data`` (inputs alone, or batches whose targets are ignored), on the CPU."""
        source = self._source(
            data, role="predict", batch_size=batch_size or self._batch_size, shuffle=False, targets=False
        )
        outputs = []
        with _evaluating(self.module), torch.no_grad(), self._autocast():
            for batch in source.epoch():
                out = call_module(self.module, batch.x)
                if not isinstance(out, Tensor):
                    raise ConfigError(
                        f"the model returned {type(out).__name__}, not a tensor",
                        where="Trainer.predict",
                        fix="call the module directly for structured outputs",
                    )
                outputs.append(out.detach())
        if not outputs:
            raise DataError("predict got no batches", where="Trainer.predict", fix="pass at least one sample")
        predictions = torch.cat(outputs).cpu()
        if self.precision != "32" and predictions.is_floating_point():  # autocast outputs: bf16/fp16
            predictions = predictions.to(_float_dtype(self.module))
        return predictions

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True)
        return self._console

    @console.setter
    def console(self, console: Console) -> None:
        """Send progress and verbose output elsewhere (a file, a notebook console, a test buffer)."""
        self._console = console

    def print(self, message: str) -> None:
        """Print a line for the user (callbacks use this, gated by their own ``verbose``)."""
        self.console.print(message, highlight=False, markup=False, soft_wrap=True)

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue training exactly: weights, optimizer, callbacks, counters, RNG."""
        return {
            "epoch": self.epoch,
            "global_step": self.global_step,
            "module": self.module.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "callbacks": self.callbacks.state_dict(),
            "rng": rng_state(),
            "shuffle_generator": None if self._generator is None else self._generator.get_state(),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.epoch, self.global_step = int(state["epoch"]), int(state["global_step"])
        self.module.load_state_dict(state["module"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.callbacks.load_state_dict(state.get("callbacks", {}))
        if state.get("rng") is not None:
            set_rng_state(state["rng"])
        if state.get("shuffle_generator") is not None:
            if self._generator is None:
                self._generator = torch.Generator()
            # in place: the current fit's batch sources hold this very generator
            self._generator.set_state(state["shuffle_generator"])

    # --- fit setup -------------------------------------------------------------------------------

    def _ensure_seeded(self) -> None:
        """Seed once, at the first fit, so constructing a Trainer has no global side effects."""
        if self._generator is not None:
            return
        generator = torch.Generator()
        if self.seed is not None:
            seed_everything(self.seed, self.deterministic)
            generator.manual_seed(self.seed)
        else:
            generator.seed()
            if self.deterministic:
                use_deterministic_algorithms()
        self._generator = generator

    def _source(
        self, data: Any, *, role: str, batch_size: int, shuffle: bool, targets: bool = True
    ) -> BatchSource:
        return as_batch_source(
            data,
            batch_size=batch_size,
            shuffle=shuffle,
            generator=self._generator,
            device=self.device,
            float_dtype=_float_dtype(self.module),
            targets=targets,
            role=role,
        )

    def _start_fit(
        self, train: Any, val: Any, epochs: int, steps_per_epoch: int | None, batch_size: int, shuffle: bool
    ) -> FitState:
        train_source = self._source(train, role="train", batch_size=batch_size, shuffle=shuffle)
        val_source = (
            None if val is None else self._source(val, role="val", batch_size=batch_size, shuffle=False)
        )
        _check_reiterable(train_source, val_source, epochs, steps_per_epoch)
        self.trainable_parameters = _trainable(self.module)
        self._batch_size = batch_size
        policy = self.guards.nonfinite
        self._monitor = (
            None
            if policy is None
            else NonFiniteMonitor(
                self.guards.check_every or 1, self.guards.grad_norm_history, self.guards.max_held_bytes
            )
        )
        guards = GuardSet.build(
            policy,
            epoch_length=self.guards.epoch_length,
            loss_mismatch=self.guards.loss_mismatch,
            check_empty=not train_source.exact_length,
            max_lr_reductions=self.guards.max_lr_reductions,
            history=self.guards.grad_norm_history,
        )
        guards.on_fit_start(
            FitInfo(
                steps_per_epoch=steps_per_epoch,
                source_len=train_source.length() if self.guards.epoch_length else None,
                source_kind=train_source.kind,
                n_samples=train_source.n_samples,
                batch_size=train_source.batch_size,
            )
        )
        self.fit_state = FitState(
            train=train_source,
            val=val_source,
            first_epoch=self.epoch,
            epochs=epochs,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            guards=guards,
            needs_grad_norm=policy is not None or self.callbacks.needs_grad_norm,
        )
        self.stop_training = False
        return self.fit_state

    # --- one epoch -------------------------------------------------------------------------------

    def _run_epoch(self, epoch: int, state: FitState) -> Logs:
        self.callbacks.on_epoch_begin(epoch, {})
        started = time.perf_counter()
        logs = self._train_epoch(epoch, state)
        if state.val is not None:
            logs.update({f"val_{k}": v for k, v in self._evaluate_source(state.val).items()})
        logs.update(self._lr_logs())
        logs["time"] = time.perf_counter() - started
        self.epoch = epoch + 1  # completed; a checkpoint taken in on_epoch_end resumes at the next epoch
        self.callbacks.on_epoch_end(epoch, logs)
        return logs

    def _train_epoch(self, epoch: int, state: FitState) -> Logs:
        self.module.train()
        stats = _EpochStats(self.device)
        source = state.train
        limit = state.expected_batches
        batches = source.epoch()
        received, interrupted = 0, False
        length_guard = state.guards.epoch_length
        check_empty = length_guard is not None and length_guard.check_empty  # exact sources have no empties
        for batch in itertools.islice(batches, limit) if limit is not None else batches:
            if check_empty and (
                empty := state.guards.on_batch_start(BatchInfo(epoch, received, batch_rows(batch.x)))
            ):
                self._raise(EpochLengthError, empty[0])
            self._train_step(epoch, received, batch, stats, state)
            received += 1
            if length_guard is not None:
                length_guard.on_batch_end(BatchInfo(epoch, received - 1))
            if self.stop_training:
                interrupted = True
                break
        self._poll_nonfinite(state, stats)
        self._check_epoch_length(epoch, batches, state, interrupted=interrupted)
        return self._epoch_logs(epoch, received, stats, state)

    def _train_step(
        self, epoch: int, batch_index: int, batch: LoadedBatch, stats: _EpochStats, state: FitState
    ) -> None:
        step, rows, callbacks = self.global_step, batch_rows(batch.x), self.callbacks
        # no callback reads per-step logs (the usual case): don't build them or dispatch to nobody
        logs: Logs | None = {"batch": batch_index, "size": rows} if callbacks.batch_hooks else None
        if logs is not None:
            callbacks.on_batch_begin(step, logs)
        self.optimizer.zero_grad(set_to_none=True)
        with self._autocast():  # forward and loss only, as torch.autocast recommends
            output = call_module(self.module, batch.x)
            first = state.first_batch_pending
            if first:
                state.first_batch_pending = False
                self._check_first_batch(output, batch.y, state.guards)
            loss = self.loss_fn(output, batch.y)
        if first:
            check_scalar_loss(loss)
        scaler = self.scaler
        if scaler is None:
            loss.backward()
        else:
            scaler.scale(loss).backward()
            scaler.unscale_(self.optimizer)  # true gradients for the norm, the guard and clipping
        gnorm = step_grad_norm(self.trainable_parameters) if state.needs_grad_norm else None
        self.grad_norm = gnorm
        loss_value = loss.detach()  # one detached view for the guard, the epoch sums and the logs
        try:
            ok = self._guard_step(epoch, batch_index, batch, loss_value, gnorm, state, stats)
            skipped = ok is False
            if not skipped:
                if logs is not None:
                    callbacks.on_before_optimizer_step(step, logs)
                if scaler is None:
                    self.optimizer.step()
                else:
                    scaler.step(self.optimizer)  # the scaler skips it if the gradients overflowed
                flag = ok if isinstance(ok, Tensor) else None
                stats.add(loss_value, rows, gnorm, flag, scaled=scaler is not None)
        finally:
            if scaler is not None:
                scaler.update()  # close the scaler's step even when a guard raised, so fit can run again
        self.global_step += 1
        monitor = self._monitor
        if scaler is not None and monitor is not None:
            self._check_loss_scale(scaler, epoch)
        if logs is not None:
            logs["loss"], logs["skipped"] = loss_value, skipped
            callbacks.on_batch_end(step, logs)
        if monitor is not None and monitor.check_every > 1 and monitor.due():
            self._poll_nonfinite(state, stats)

    def _epoch_logs(self, epoch: int, received: int, stats: _EpochStats, state: FitState) -> Logs:
        logs = stats.read()
        if self.scaler is not None:
            logs["loss_scale"] = self.scaler.get_scale()
        if self.guards.nonfinite in ("skip_batch", "reduce_lr"):
            logs["nonfinite_skipped"] = stats.skipped
        if stats.skipped and stats.first_skipped is not None:
            self._report_skips(epoch, received, stats, state)
        return logs

    def _report_skips(self, epoch: int, received: int, stats: _EpochStats, state: FitState) -> None:
        """Warn once per fit about skipped batches; an epoch that skipped everything learned nothing."""
        assert stats.first_skipped is not None
        if stats.skipped >= received:
            raise self._nonfinite_error(
                stats.first_skipped,
                state,
                note=f"every one of the {received} batches of epoch {epoch} was skipped",
            )
        finding = skipped_finding(
            epoch, stats.skipped, received, stats.first_skipped.step, str(self.guards.nonfinite), self._lrs()
        )
        if state.skips_reported:  # the per-epoch counts are in the history
            self.findings.append(finding)
        else:
            state.skips_reported = True
            self._warn(finding)

    # --- guards ----------------------------------------------------------------------------------

    def _check_first_batch(self, output: Any, target: Any, guards: GuardSet | None = None) -> None:
        """The loss/output guard of this fit (``guards``), or of these settings (``lr_find``)."""
        guard = LossMismatchGuard() if guards is None and self.guards.loss_mismatch else None
        guard = guard if guards is None else guards.loss_mismatch
        if guard is None:
            return
        findings = guard.on_first_batch(check_loss_inputs(self.loss_fn, output, target))
        if findings and findings[0].severity is Severity.ERROR:
            self._raise(LossMismatchError, findings[0], others=findings[1:])
        for finding in findings:
            self._warn(finding)

    def _guard_step(
        self,
        epoch: int,
        batch_index: int,
        batch: LoadedBatch,
        loss: Tensor,
        gnorm: Tensor | None,
        state: FitState,
        stats: _EpochStats,
    ) -> bool | Tensor | None:
        """``None``: no guard. ``True``/``False``: judged now. A device flag: judged at the next poll.

        ``loss`` is the step's detached loss (the graph is not needed to judge it).
        """
        monitor = self._monitor
        if monitor is None:
            return None
        data_ok = state.train.data_ok(batch)
        deferred = monitor.check_every > 1
        # With a GradScaler, Inf gradients are its overflow signal (it skips the step): judge loss and data.
        judged = gnorm if self.scaler is None else None
        ok: bool | Tensor
        verdict: Verdict | None = None
        if deferred:
            ok = _finite_flag(loss, judged, data_ok)
        else:
            step = stats.step_info(
                epoch, self.global_step, batch_index, loss, gnorm, judged is not None, data_ok
            )
            verdict = state.guards.before_optimizer_step(step)
            ok = verdict is Verdict.STEP
            if ok:  # the usual step: only its norm is kept (for a later diagnosis), nothing to poll
                if gnorm is not None:
                    monitor.norms.append((self.global_step, gnorm))
                return True
        monitor.record(
            StepRecord(
                epoch, self.global_step, batch_index, batch.ref, loss, gnorm, ok, data_ok, batch.nbytes
            )
        )
        if deferred:
            assert isinstance(ok, Tensor)
            mask_nonfinite_step_(grads_of(self.trainable_parameters), ok)
            return ok
        bad = monitor.poll()
        if not bad:
            return True
        self._handle_nonfinite(bad, state, stats, verdict=verdict)
        self.optimizer.zero_grad(set_to_none=True)
        return False

    def _poll_nonfinite(self, state: FitState, stats: _EpochStats) -> None:
        if self._monitor is not None and (bad := self._monitor.poll()):
            self._handle_nonfinite(bad, state, stats)

    def _check_loss_scale(self, scaler: torch.amp.GradScaler, epoch: int) -> None:
        """Every ``check_every`` steps (one host sync): stop if the scaler has been skipping every step."""
        assert self._monitor is not None
        if self.global_step % self._monitor.check_every:
            return
        finding = loss_scale_finding(scaler.get_scale(), epoch=epoch, step=self.global_step - 1)
        if finding is not None:
            self._raise(NonFiniteError, finding)

    def _handle_nonfinite(
        self, bad: list[StepRecord], state: FitState, stats: _EpochStats, verdict: Verdict | None = None
    ) -> None:
        """Apply the guard's verdict on the bad steps (given when judged at once, else asked for now)."""
        guard = state.guards.nonfinite
        assert guard is not None
        model_caused = [r for r in bad if r.data_ok is None or bool(r.data_ok)]  # lr can't fix bad data
        if verdict is None:
            verdict = guard.on_bad_step(model_caused=bool(model_caused))
        if verdict is Verdict.STOP:
            raise self._nonfinite_error(model_caused[0] if guard.note else bad[0], state, note=guard.note)
        stats.note_skipped(bad)
        if verdict is Verdict.REDUCE_LR:
            self._scale_lr(_LR_REDUCTION)

    def _nonfinite_error(self, rec: StepRecord, state: FitState, note: str = "") -> NonFiniteError:
        batch = state.train.refetch(rec.ref) if rec.ref is not None else None
        gnorm = None if rec.grad_norm is None else float(rec.grad_norm)
        with self._autocast():  # re-run the batch in the precision it failed in
            finding = diagnose_torch_step(
                self.module,
                self.loss_fn,
                batch,
                StepInfo(rec.epoch, rec.step, rec.batch_index, float(rec.loss), gnorm),
                grad_norms=self._monitor.grad_norms_until(rec.step) if self._monitor else [],
                lrs=self._lrs(),
                note=note,
                unavailable=(
                    f"the batch is no longer held (check_every={self.guards.check_every}); "
                    "pass Guards(check_every=1) to localise the failure"
                ),
            )
        self.findings.append(finding)
        return NonFiniteError(finding, where="Trainer.fit")

    def _check_epoch_length(
        self, epoch: int, batches: Iterator[LoadedBatch], state: FitState, *, interrupted: bool
    ) -> None:
        guard = state.guards.epoch_length
        if guard is None:
            return
        extra, capped = (0, False) if interrupted else self._extra_batches(batches, state, guard)
        for finding in guard.on_epoch_end(EpochInfo(epoch, extra, capped, interrupted)):
            if finding.severity is Severity.ERROR:
                self._raise(EpochLengthError, finding)
            self._warn(finding)

    def _extra_batches(
        self, batches: Iterator[LoadedBatch], state: FitState, guard: EpochLengthGuard
    ) -> tuple[int, bool]:
        """Count batches past the declared length, once per fit; ``(count, stopped_counting)``."""
        source = state.train
        if not guard.wants_extra_count() or source.one_shot:
            return 0, False
        assert guard.expected is not None
        extra, capped = _count_extra_batches(source, batches, guard.expected)
        if capped and guard.declared.by == BY_STEPS and source.length() is None:
            guard.endless_by_design()  # an endless stream cut by steps_per_epoch, as intended
            return 0, False
        return extra, capped

    def _raise(
        self, error: type[GuardError], finding: Finding | None, others: Sequence[Finding] = ()
    ) -> NoReturn:
        assert finding is not None, "callers raise only on a finding"
        self.findings.extend([finding, *others])
        raise error(finding, where="Trainer.fit")

    def _warn(self, finding: Finding) -> None:
        self.findings.append(finding)
        warn_finding(finding, printer=self.print if self.verbose else None)

    # --- evaluation and learning rates ------------------------------------------------------------

    def _evaluate_source(self, source: BatchSource) -> dict[str, float]:
        total = torch.zeros((), dtype=_accumulator_dtype(self.device), device=self.device)
        samples = 0
        with _evaluating(self.module), torch.no_grad(), self._autocast():
            for batch in source.epoch():
                loss = self.loss_fn(call_module(self.module, batch.x), batch.y)
                rows = batch_rows(batch.x)
                total.add_(loss.detach(), alpha=rows)
                samples += rows
        if samples == 0:
            raise DataError(
                f"the {source.kind} given for evaluation yielded no batches",
                where="val/evaluate data",
                fix="pass data with at least one (x, y) batch",
            )
        return {"loss": float(total) / samples}

    def _lrs(self) -> list[float]:
        return learning_rates(self.optimizer)

    def _lr_logs(self) -> Logs:
        lrs = self._lrs()
        return {"lr": lrs[0], **{f"lr_{i}": lr for i, lr in enumerate(lrs) if i}}

    def _scale_lr(self, factor: float) -> None:
        scale_learning_rate_(self.optimizer, factor)
        self.callbacks.on_lr_scaled(factor)


# --- per-epoch accumulation ----------------------------------------------------------------------


class _EpochStats:
    """Epoch sums of loss and gradient norm, kept where adding is cheapest and read once per epoch.

    On an accelerator the sums stay on the device: reading a value would stall the pipeline every
    step. On the CPU there is no pipeline to stall, and reading a 0-dim tensor (about 1 µs) is far
    cheaper than dispatching an in-place add (5-50 µs), so values are summed as Python floats.
    Steps judged later by the NaN guard (``ok`` is a device flag) are always summed on the device,
    masked by their flag.

    Device sums are taken ``_FLUSH_EVERY`` steps at a time: the steps' 0-dim tensors are kept and
    summed with one stack and a few reductions, instead of four to nine tiny kernels per step (on
    a small model each launch costs about as much as a layer's matmul).
    """

    def __init__(self, device: torch.device) -> None:
        self.on_host = device.type == "cpu"
        self.dtype = _accumulator_dtype(device)
        self.sums = torch.zeros(4, dtype=self.dtype, device=device)  # loss*rows, rows, grad norm, steps
        self.loss_sum, self.rows_sum, self.gnorm_sum, self.gnorm_steps = self.sums.unbind()
        self.host = [0.0, 0, 0.0, 0]  # the same four, summed on the host
        self.skipped = 0
        self.first_skipped: StepRecord | None = None
        self._read: tuple[Tensor, Tensor | None, float, float | None] | None = None
        self._pending: list[tuple[Tensor, int, Tensor | None, Tensor | None, bool]] = []

    def step_info(
        self,
        epoch: int,
        step: int,
        batch_index: int,
        loss: Tensor,
        gnorm: Tensor | None,
        judge_gnorm: bool,
        data_ok: Tensor | None,
    ) -> StepInfo:
        """The step as numbers for the NaN guard; the values read are kept so :meth:`add` needn't re-read."""
        loss_f = loss.item()
        gnorm_f = None if gnorm is None else gnorm.item()
        self._read = (loss, gnorm, loss_f, gnorm_f)
        return StepInfo(
            epoch,
            step,
            batch_index,
            loss_f,
            gnorm_f if judge_gnorm else None,
            data_ok is None or bool(data_ok),
        )

    def add(
        self, value: Tensor, rows: int, gnorm: Tensor | None, ok: Tensor | None, scaled: bool = False
    ) -> None:
        """Count one step; ``value`` is its detached loss (kept until the next flush on the device)."""
        if ok is not None or scaled or not self.on_host:
            self._pending.append((value, rows, gnorm, ok, scaled))
            if len(self._pending) >= _FLUSH_EVERY:
                self._flush()
        else:
            read, self._read = self._read, None
            if read is not None and read[0] is value and read[1] is gnorm:  # read by step_info
                loss_f, gnorm_f = read[2], read[3]
            else:
                loss_f, gnorm_f = value.item(), None if gnorm is None else gnorm.item()
            self.host[0] += loss_f * rows
            self.host[1] += rows
            if gnorm_f is not None:
                self.host[2] += gnorm_f
                self.host[3] += 1

    def _flush(self) -> None:
        """Add the pending steps to the device sums, grouped so each group is a few vector ops."""
        groups: dict[tuple[int, bool, bool, bool], list[tuple[Tensor, Tensor | None, Tensor | None]]] = {}
        for value, rows, gnorm, ok, scaled in self._pending:
            key = (rows, ok is not None, gnorm is not None, scaled)
            groups.setdefault(key, []).append((value, gnorm, ok))
        self._pending = []
        for (rows, has_ok, has_gnorm, scaled), steps in groups.items():
            losses = torch.stack([value for value, _, _ in steps]).to(self.dtype)
            ok = torch.stack([flag for _, _, flag in steps if flag is not None]) if has_ok else None
            if ok is None:
                self.loss_sum.add_(losses.sum(), alpha=rows)
                self.host[1] += rows * len(steps)
            else:
                self.loss_sum.add_(torch.where(ok, losses, 0.0).sum(), alpha=rows)
                self.rows_sum.add_(ok.sum(), alpha=rows)
            if not has_gnorm:
                continue
            norms = torch.stack([norm for _, norm, _ in steps if norm is not None]).to(self.dtype)
            # GradScaler overflow steps have Inf norms: average the finite ones
            counted = torch.isfinite(norms) if scaled else None
            if ok is not None:
                counted = ok if counted is None else counted & ok
            if counted is None:
                self.gnorm_sum.add_(norms.sum())
                self.host[3] += len(steps)
            else:
                self.gnorm_sum.add_(torch.where(counted, norms, 0.0).sum())
                self.gnorm_steps.add_(counted.sum())

    def note_skipped(self, records: list[StepRecord]) -> None:
        self.skipped += len(records)
        if self.first_skipped is None and records:
            self.first_skipped = records[0]

    def read(self) -> Logs:
        self._flush()
        device_sums = self.sums.tolist()  # the epoch's one sync
        loss_sum, rows, gnorm_sum, steps = (h + d for h, d in zip(self.host, device_sums, strict=True))
        logs: Logs = {"loss": loss_sum / rows if rows else math.nan}
        if steps:
            logs["grad_norm"] = gnorm_sum / steps
        return logs


# --- helpers -------------------------------------------------------------------------------------


def resolve_device(device: str | torch.device) -> torch.device:
    """``"auto"`` is CUDA when available, else CPU; anything else is passed to ``torch.device``."""
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ConfigError(
            f"unknown device {device!r}",
            where="Trainer(device=...)",
            fix="use 'auto', 'cpu', 'cuda' or 'cuda:1'",
        ) from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(
            "device 'cuda' was requested but CUDA is not available",
            where="Trainer(device=...)",
            fix="use device='auto' to fall back to the CPU, or install a CUDA build of torch",
        )
    return resolved


def build_optimizer(spec: OptimizerSpec, module: nn.Module, params: list[nn.Parameter]) -> Optimizer:
    """Accept every common way of naming an optimizer; default to Adam(lr=1e-3)."""
    if not params:
        raise ConfigError(
            "the module has no trainable parameters",
            where="Trainer(module=...)",
            fix="check requires_grad on the parameters you mean to train",
        )
    where, fix = "Trainer(optimizer=...)", "pass e.g. lambda params: torch.optim.SGD(params, lr=0.1)"
    if spec is None:
        return make_fused(torch.optim.Adam, params, {"lr": 1e-3})
    if isinstance(spec, Optimizer):
        _check_owns_parameters(spec, module)
        return spec
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], Mapping):
        cls, kwargs = spec
        if not (isinstance(cls, type) and issubclass(cls, Optimizer)):
            raise ConfigError(f"{cls!r} is not a torch optimizer class", where=where, fix=fix)
        return make_fused(cls, params, dict(kwargs))
    if isinstance(spec, type) and issubclass(spec, Optimizer):
        return make_fused(spec, params, {})
    if callable(spec):
        factory: Callable[..., Any] = spec
        built = factory(params)
        if not isinstance(built, Optimizer):
            raise ConfigError(
                f"the optimizer factory returned {type(built).__name__}, not an optimizer",
                where=where,
                fix=fix,
            )
        return built
    raise ConfigError(f"cannot make an optimizer from {spec!r}", where=where, fix=fix)


#: Optimizers whose fused kernel (one kernel for the whole update) computes the same math.
FUSED_OPTIMIZERS: Final = (torch.optim.Adam, torch.optim.AdamW, torch.optim.SGD)


def make_fused(cls: type[Optimizer], params: list[nn.Parameter], kwargs: dict[str, Any]) -> Optimizer:
    """``cls(params, **kwargs)``, with ``fused=True`` where torch has a fused kernel for the device.

    Only for an optimizer named as a class (the Trainer builds it, so it may pick the kernel), only
    Adam/AdamW/SGD exactly (a subclass may override the update), and never over the user's own
    ``fused``/``foreach``. The fused update is the same math in one kernel per parameter group:
    1.4x the default (foreach) Adam step on a small CPU MLP. Where torch refuses (a device or dtype
    without the kernel), the default implementation is used.
    """
    make: Callable[..., Optimizer] = cls  # subclasses take (params, **kwargs)
    if cls not in FUSED_OPTIMIZERS or "fused" in kwargs or "foreach" in kwargs:
        return make(params, **kwargs)
    try:
        return make(params, **kwargs, fused=True)
    except (RuntimeError, ValueError, TypeError):  # no fused kernel for this device/dtype
        return make(params, **kwargs)


def _check_owns_parameters(optimizer: Optimizer, module: nn.Module) -> None:
    ours = {id(p) for p in module.parameters()}
    theirs = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if not ours & theirs:
        raise ConfigError(
            "the optimizer holds none of this module's parameters",
            where="Trainer(optimizer=...)",
            fix="build the optimizer from this model's parameters, or pass a factory "
            "(lambda params: torch.optim.Adam(params, lr=1e-3)) and let the Trainer bind it",
        )


def _callback_list(
    callbacks: Iterable[Callback], verbose: int, trainer: Trainer
) -> tuple[CallbackList, History]:
    """History first (unless the user placed one), the user's callbacks, then a ProgressBar if verbose.

    Callbacks marked ``runs_last`` (ModelCheckpoint) go after all others, so a checkpoint taken at
    an epoch's end already holds what every other callback did at that epoch's end.
    """
    given = list(callbacks)
    history = next((cb for cb in given if isinstance(cb, History)), None)
    ordered = given
    if history is None:
        history = History()
        ordered = [history, *given]
    if verbose and not any(isinstance(cb, ProgressBar) for cb in ordered):
        ordered.append(ProgressBar(verbose))
    ordered.sort(key=lambda cb: bool(getattr(cb, "runs_last", False)))  # stable: order otherwise kept
    return CallbackList(ordered, trainer=trainer), history


def _count_extra_batches(
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


def _check_reiterable(
    train: BatchSource, val: BatchSource | None, epochs: int, steps_per_epoch: int | None
) -> None:
    if train.one_shot and steps_per_epoch is None and epochs > 1:
        raise ConfigError(
            "train is a generator/iterator object, which can be read only once, so it cannot restart for "
            f"each of {epochs} epochs (and an infinite one would never end the first)",
            where="fit(train=...)",
            fix="pass the generator function itself (make_batches, not make_batches()) to get a fresh one "
            "each epoch, or make it infinite and pass steps_per_epoch",
        )
    if val is not None and val.one_shot:
        raise ConfigError(
            "val is a generator/iterator object, which would be used up by the first validation",
            where="fit(val=...)",
            fix="pass arrays, a DataLoader, a list of batches, or the generator function itself",
        )


def _check_int(name: str, value: Any, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(
            f"{name} must be an integer >= {minimum}, got {value!r}",
            where=f"fit({name}=...)",
            fix=f"pass a whole number, e.g. {name}={max(minimum, 1)}",
        )




def _finite_flag(loss: Tensor, gnorm: Tensor | None, data_ok: Tensor | None) -> Tensor:
    """The step's verdict as a device bool, computed without a host sync."""
    ok = torch.isfinite(loss) if loss.ndim == 0 else torch.isfinite(loss).all()
    if gnorm is not None:
        ok = ok & torch.isfinite(gnorm)
    return ok if data_ok is None else ok & data_ok


def _trainable(module: nn.Module) -> list[nn.Parameter]:
    return [p for p in module.parameters() if p.requires_grad]


def _float_dtype(module: nn.Module) -> torch.dtype:
    return next((p.dtype for p in module.parameters() if p.is_floating_point()), torch.get_default_dtype())


def _accumulator_dtype(device: torch.device) -> torch.dtype:
    return torch.float32 if device.type == "mps" else torch.float64  # MPS has no float64


@contextmanager
def _evaluating(module: nn.Module) -> Iterator[None]:
    """Eval mode for the block, then back to whatever mode the module was in."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)
