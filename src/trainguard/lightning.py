"""trainguard's training guards for Lightning: ``L.Trainer(callbacks=[TrainGuard()])``.

:class:`TrainGuard` is a Lightning ``Callback`` driving the framework-neutral guards of
:mod:`trainguard.guards.core`:

* **non-finite loss and gradients** are judged in ``on_before_optimizer_step``, which Lightning calls
  after the backward pass (and after AMP unscaling) and before the optimizer updates anything: on
  ``"stop"`` the batch is re-run module by module with the untouched weights to name the first
  module whose output went non-finite; on ``"skip_batch"`` the gradients are dropped so the
  optimizer skips the step exactly.
* **epoch length**: batches per epoch against ``trainer.num_training_batches`` (``len()`` of the
  DataLoader, or the first epoch for an unsized ``IterableDataset``); a short epoch raises
  :class:`~trainguard.guards.epoch_length.EpochLengthError` instead of ending silently.
* **loss/output mismatch** on the first batch, when the LightningModule keeps its loss as an
  attribute named ``loss_fn``, ``criterion`` or ``loss`` (a torch loss) and its batches are
  ``(x, y)``: the module's outputs and the targets are checked against it before the first step.

Not detected: an ``IterableDataset`` whose ``__len__`` is too *small*. Lightning stops each epoch
at ``len()`` batches, so the rest of the data is never seen and nothing is counted short; finding
it would take a pass over the data or Lightning's private fetcher.

Every finding is in ``callback.findings``. Lightning is imported only when this module is; the
``lightning`` package is preferred and ``pytorch_lightning`` used when it is the one installed.
"""

from __future__ import annotations

from typing import Any

import torch

try:
    import lightning.pytorch as pl
except ImportError:  # pragma: no cover - the older package name
    import pytorch_lightning as pl  # type: ignore[no-redef]

from trainguard.findings import Finding
from trainguard.guards.base import GuardError, surface
from trainguard.guards.core import (
    BatchInfo,
    EpochInfo,
    FitInfo,
    GuardSet,
    StepInfo,
    Verdict,
)
from trainguard.guards.epoch_length import EpochLengthError
from trainguard.guards.nonfinite import NonFiniteError
from trainguard.nn.data import batch_rows, call_module
from trainguard.nn.guards.loss_mismatch import LossMismatchError, check_loss_inputs, loss_kind
from trainguard.nn.guards.step import (
    diagnose_torch_step,
    learning_rates,
    scale_learning_rate_,
    skip_step_,
    step_numbers,
    with_data_verdict,
)

__all__ = ["TrainGuard"]

#: Where a LightningModule conventionally keeps its loss function.
LOSS_ATTRIBUTES = ("loss_fn", "criterion", "loss")


class TrainGuard(pl.Callback):
    """Lightning callback running trainguard's non-finite, epoch-length and loss/output guards.

    ``nonfinite``: ``"stop"`` (raise with a diagnosis), ``"skip_batch"`` (skip the optimizer step),
    ``"reduce_lr"`` (skip it and divide the learning rate by 10) or ``None`` (off).
    """

    def __init__(
        self,
        nonfinite: str | None = "stop",
        *,
        epoch_length: bool = True,
        loss_mismatch: bool = True,
        verbose: bool = False,
    ) -> None:
        super().__init__()
        self.nonfinite, self.epoch_length, self.loss_mismatch = nonfinite, epoch_length, loss_mismatch
        self.verbose = verbose
        #: Every finding of the last fit, warnings and errors alike.
        self.findings: list[Finding] = []
        self._guards = GuardSet()
        self._started = False
        self._check_empty = False
        self._first = True
        self._batch: Any = None
        self._batch_index = 0
        self._loss: torch.Tensor | None = None
        self._params: tuple[torch.optim.Optimizer, list[torch.nn.Parameter]] | None = None

    # --- Lightning hooks -------------------------------------------------------------------------

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self.findings = []
        self._guards = GuardSet.build(
            self.nonfinite,
            epoch_length=self.epoch_length,
            loss_mismatch=self.loss_mismatch,
            findings=self.findings,
        )
        self._started, self._first, self._params = False, True, None

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if not self._started:  # the DataLoader's length is known from here on
            self._started = True
            dataset = getattr(trainer.train_dataloader, "dataset", None)
            self._check_empty = isinstance(dataset, torch.utils.data.IterableDataset)
            length = trainer.num_training_batches
            declared = int(length) if isinstance(length, int) or float(length).is_integer() else None
            steps = (
                declared if declared is not None and trainer.limit_train_batches not in (None, 1.0) else None
            )
            self._guards.on_fit_start(
                FitInfo(
                    steps_per_epoch=steps,
                    source_len=None if steps is not None else declared,
                    source_kind=_source_kind(trainer),
                )
            )

    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: Any, batch_idx: int
    ) -> None:
        self._batch, self._batch_index, self._loss = batch, batch_idx, None
        if self._check_empty:  # only an IterableDataset can run past its data into empty batches
            for finding in self._guards.on_batch_start(
                BatchInfo(trainer.current_epoch, batch_idx, _rows(batch))
            ):
                self._stop_if_error(finding)
        if self._first:
            self._first = False
            self._check_first_batch(pl_module, batch)

    def on_before_backward(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, loss: torch.Tensor
    ) -> None:
        self._loss = loss

    def on_before_optimizer_step(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, optimizer: torch.optim.Optimizer
    ) -> None:
        nonfinite = self._guards.nonfinite
        if nonfinite is None:
            return
        if self._params is None or self._params[0] is not optimizer:  # listed once per optimizer
            self._params = (optimizer, [p for group in optimizer.param_groups for p in group["params"]])
        params = self._params[1]
        info = step_numbers(trainer.current_epoch, trainer.global_step, self._batch_index, self._loss, params)
        if not info.finite:
            info = with_data_verdict(info, *_xy(self._batch))
        verdict = nonfinite.before_optimizer_step(info)
        if verdict is Verdict.STEP:
            return
        if verdict is Verdict.STOP:
            self._stop_nonfinite(trainer, pl_module, optimizer, info, nonfinite.note)
        if verdict is Verdict.REDUCE_LR:
            scale_learning_rate_(optimizer, 0.1)
        skip_step_(params)

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        for finding in self._guards.on_batch_end(BatchInfo(trainer.current_epoch, batch_idx)):
            self._stop_if_error(finding)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        interrupted = bool(trainer.should_stop)
        for finding in self._guards.on_epoch_end(EpochInfo(trainer.current_epoch, interrupted=interrupted)):
            self._stop_if_error(finding)

    # --- guards ----------------------------------------------------------------------------------

    def _check_first_batch(self, pl_module: pl.LightningModule, batch: Any) -> None:
        loss_fn = module_loss(pl_module)
        if self._guards.loss_mismatch is None or loss_fn is None:
            return
        x, y = _xy(batch)
        if not isinstance(y, torch.Tensor):
            return
        with torch.no_grad():
            output = call_module(pl_module, x)
        for finding in self._guards.on_first_batch(check_loss_inputs(loss_fn, output, y)):
            self._stop_if_error(finding, LossMismatchError)

    def _stop_nonfinite(
        self,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        optimizer: torch.optim.Optimizer,
        info: StepInfo,
        note: str,
    ) -> None:
        nonfinite = self._guards.nonfinite
        assert nonfinite is not None
        x, y = _xy(self._batch)
        loss_fn = module_loss(pl_module)
        if loss_fn is None:
            batch, index = self._batch, self._batch_index

            def loss_fn(_output: Any, _target: Any) -> torch.Tensor:
                result = pl_module.training_step(batch, index)
                return result["loss"] if isinstance(result, dict) else result

        finding = diagnose_torch_step(
            pl_module,
            loss_fn,
            None if self._batch is None else (x, y),
            info,
            grad_norms=list(nonfinite.norms),
            losses=list(nonfinite.losses),
            lrs=learning_rates(optimizer),
            note=note,
        )
        self._stop_if_error(finding, NonFiniteError)

    def _stop_if_error(self, finding: Finding | None, error: type[GuardError] = EpochLengthError) -> None:
        surface(finding, self.findings, error=error, where="lightning TrainGuard", verbose=self.verbose)


def module_loss(pl_module: pl.LightningModule) -> Any:
    """The module's loss function, when it keeps a known torch loss under a conventional name."""
    for name in LOSS_ATTRIBUTES:
        candidate = getattr(pl_module, name, None)
        if candidate is not None and callable(candidate) and loss_kind(candidate) is not None:
            return candidate
    return None


def _xy(batch: Any) -> tuple[Any, Any]:
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        return batch[0], batch[1]
    return batch, None


def _rows(batch: Any) -> int | None:
    x, _ = _xy(batch)
    try:
        return batch_rows(x)
    except (TypeError, ValueError, AttributeError):
        return None


def _source_kind(trainer: pl.Trainer) -> str:
    loader = trainer.train_dataloader
    dataset = getattr(loader, "dataset", None)
    if isinstance(dataset, torch.utils.data.IterableDataset):
        return f"DataLoader over the IterableDataset {type(dataset).__name__}"
    return "DataLoader" if dataset is None else f"DataLoader over {type(dataset).__name__}"
