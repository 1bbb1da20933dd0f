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
* **an ``IterableDataset`` whose ``__len__`` is too small**: Lightning stops each epoch after
  ``len(DataLoader)`` batches, so the rest of the data is never seen and no epoch is counted short.
  At fit start a *separate* iterator of the dataset is read past ``len()`` (the user's epoch is not
  touched, and the random-number state is restored): data there is the finding ``len-too-small``.
  A stream that still goes on after another ``len()`` items is taken as endless by design (an
  epoch cut by ``__len__``) and not reported. ``data_checks=False`` skips the probe, for a stream
  that cannot be read twice.

Every finding is in ``callback.findings``. Lightning is imported only when this module is; the
``lightning`` package is preferred and ``pytorch_lightning`` used when it is the one installed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

try:
    import lightning.pytorch as pl
except ImportError:  # pragma: no cover - the older package name
    import pytorch_lightning as pl  # type: ignore[no-redef]

from trainguard.findings import Finding
from trainguard.guards.callback import GuardCallback
from trainguard.guards.core import BatchInfo, EpochInfo, FitInfo, StepInfo
from trainguard.guards.epoch_length import len_too_small_finding
from trainguard.guards.nonfinite import NonFiniteError
from trainguard.nn.data import batch_rows, call_module
from trainguard.nn.guards.loss_mismatch import LossMismatchError, check_loss_inputs, loss_kind
from trainguard.nn.guards.step import (
    act_on_step,
    diagnose_torch_step,
    flat_norm_fits,
    learning_rates,
    step_values,
)
from trainguard.nn.seed import rng_state, set_rng_state

__all__ = ["TrainGuard", "past_len_finding"]

#: Where a LightningModule conventionally keeps its loss function.
LOSS_ATTRIBUTES = ("loss_fn", "criterion", "loss")


class TrainGuard(GuardCallback, pl.Callback):
    """Lightning callback running trainguard's non-finite, epoch-length and loss/output guards.

    The options are :class:`~trainguard.guards.callback.GuardCallback`'s.
    """

    where = "lightning TrainGuard"

    # --- Lightning hooks -------------------------------------------------------------------------

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._begin_fit()
        self._started, self._first, self._check_empty = False, True, False
        self._params: tuple[torch.optim.Optimizer, list[torch.nn.Parameter], bool] | None = None
        self._batch: Any = None
        self._epoch = self._batch_index = 0
        self._loss: torch.Tensor | None = None

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        self._epoch = trainer.current_epoch
        if not self._started:  # the DataLoader's length is known from here on
            self._started = True
            self._start(trainer)

    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: Any, batch_idx: int
    ) -> None:
        self._batch, self._batch_index, self._loss = batch, batch_idx, None
        epoch = self._epoch
        if self._check_empty:  # only an IterableDataset can run past its data into empty batches
            for finding in self._guards.on_batch_start(BatchInfo(epoch, batch_idx, _rows(batch))):
                self._stop_if_error(finding)
        # The batch is counted as it arrives: one hook a step fewer than counting at its end, and
        # a batch that fails half-way stops the fit anyway.
        for finding in self._guards.on_batch_end(BatchInfo(epoch, batch_idx)):
            self._stop_if_error(finding)
        if self._first:
            self._first = False
            self._check_first_batch(pl_module, batch)

    def on_before_backward(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, loss: torch.Tensor
    ) -> None:
        # detached: holding the graph would free it inside the next hook instead of in Lightning
        self._loss = loss.detach()

    def on_before_optimizer_step(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, optimizer: torch.optim.Optimizer
    ) -> None:
        nonfinite = self._guards.nonfinite
        if nonfinite is None:
            return
        if self._params is None or self._params[0] is not optimizer:  # listed once per optimizer
            listed = [p for group in optimizer.param_groups for p in group["params"]]
            self._params = (optimizer, listed, flat_norm_fits(listed))
        _, params, flat = self._params
        loss, grad_norm = step_values(self._loss, [g for p in params if (g := p.grad) is not None], flat=flat)
        if nonfinite.passes(loss, grad_norm):  # the finite step costs no more than this
            return
        info = StepInfo(self._epoch, trainer.global_step, self._batch_index, loss, grad_norm)

        def stop(info: StepInfo, note: str) -> None:
            self._stop_nonfinite(pl_module, optimizer, info, note)

        act_on_step(nonfinite, info, _xy(self._batch), optimizer, params, stop)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        interrupted = bool(trainer.should_stop)
        for finding in self._guards.on_epoch_end(EpochInfo(trainer.current_epoch, interrupted=interrupted)):
            self._stop_if_error(finding)

    # --- guards ----------------------------------------------------------------------------------

    def _start(self, trainer: pl.Trainer) -> None:
        """The declared epoch length, and the probe past ``len()`` of an IterableDataset."""
        loader = trainer.train_dataloader
        dataset = getattr(loader, "dataset", None)
        iterable = isinstance(dataset, torch.utils.data.IterableDataset)
        self._check_empty = iterable
        length = trainer.num_training_batches
        declared = int(length) if isinstance(length, int) or float(length).is_integer() else None
        limited = trainer.limit_train_batches not in (None, 1.0)
        steps = declared if declared is not None and limited else None
        self._guards.on_fit_start(
            FitInfo(
                steps_per_epoch=steps,
                source_len=None if steps is not None else declared,
                source_kind=_source_kind(dataset),
            )
        )
        if iterable and declared is not None and not limited and self.epoch_length and self.data_checks:
            self._stop_if_error(past_len_finding(dataset, declared, getattr(loader, "batch_size", None)))

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


# --- the probe past len() of an IterableDataset ------------------------------------------------------

_END = object()


def past_len_finding(dataset: Any, n_batches: int, batch_size: int | None) -> Finding | None:
    """An ``IterableDataset`` that yields more than ``len()``: read from a separate iterator of it.

    Lightning trains on ``n_batches`` batches of ``batch_size`` items an epoch. The probe skips the
    declared ``len()`` items, then counts up to ``len()`` more; a stream still going after that is
    endless by design (``__len__`` cuts the epoch) and not reported. Items Lightning still reads in
    its last, partial batch make a warning (only the length is wrong); items it never reads, an error.
    """
    try:
        declared = len(dataset)
    except TypeError:
        return None
    with _random_state_kept():
        items = iter(dataset)
        if next(itertools.islice(items, declared, None), _END) is _END:
            return None
        cap = max(declared, 1)
        past = 1 + sum(1 for _ in itertools.islice(items, cap))
        if past > cap and next(items, _END) is not _END:
            return None
    name = type(dataset).__name__
    unit = "samples" if batch_size else "batches"
    capacity = n_batches * (batch_size or 1)
    unseen = declared + past - capacity
    if unseen > 0:
        consequence = (
            f"Lightning stops every epoch after len(DataLoader) = {n_batches} batches, so {unseen} "
            f"{unit} are never trained on"
        )
    else:
        consequence = "Lightning still reads them in the last, partial batch, but the epoch's length is wrong"
    return len_too_small_finding(
        name,
        declared,
        past,
        unit=unit,
        found=f"iterating it yields {declared + past} {unit}",
        unseen=consequence,
        fix=(
            f"make __len__ return the number of {unit} __iter__ yields ({declared + past} here), or remove "
            "__len__ so that Lightning runs each epoch until the iterator ends"
        ),
        probe=f"Read a separate iterator of {name} past len() once at fit start",
        error=unseen > 0,
        evidence={"n_batches": n_batches, "batch_size": batch_size, "unseen": max(unseen, 0)},
    )


@contextmanager
def _random_state_kept() -> Iterator[None]:
    """The probe may shuffle with any generator; the user's run must not see it happen."""
    state = rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# --- small helpers -------------------------------------------------------------------------------------


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


def _source_kind(dataset: Any) -> str:
    if isinstance(dataset, torch.utils.data.IterableDataset):
        return f"DataLoader over the IterableDataset {type(dataset).__name__}"
    return "DataLoader" if dataset is None else f"DataLoader over {type(dataset).__name__}"
