"""trainguard's training guards for skorch: ``NeuralNetClassifier(..., callbacks=[TrainGuard()])``.

:class:`TrainGuard` is a skorch callback driving the framework-neutral guards of
:mod:`trainguard.guards.core`:

* **NaN/Inf in the data**: ``X`` and ``y`` are checked once at fit start; NaN/Inf stop training
  before the first step with the columns and rows that hold them (the usual reason a skorch model
  "shows NaN in every epoch").
* **non-finite gradients** are judged in ``on_grad_computed``, which skorch calls after the backward
  pass and *before* ``optimizer.step``, so the bad step never reaches the weights; the batch is
  re-run module by module to name the first module whose output went non-finite from finite
  inputs. A non-finite loss with finite gradients is caught at the end of its batch.
* **epoch length**: batches per epoch against ``len()`` of skorch's DataLoader (or the first epoch).
* **loss/output mismatch** on the first batch, knowing that ``NeuralNetClassifier`` takes the log of
  the module's output for its default ``NLLLoss`` (so the module must return probabilities).

Every finding is in ``callback.findings``. skorch is imported only when this module is.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import skorch
import torch
from skorch.callbacks import Callback
from skorch.dataset import unpack_data
from skorch.utils import to_tensor

from trainguard.guards.callback import GuardCallback
from trainguard.guards.core import BatchInfo, EpochInfo, FitInfo, StepInfo, Verdict
from trainguard.guards.nonfinite import NonFiniteError, nonfinite_data_finding
from trainguard.nn.guards.loss_mismatch import Dialect, LossMismatchError, check_kind, check_loss_inputs
from trainguard.nn.guards.step import (
    act_on_step,
    diagnose_torch_step,
    flat_norm_fits,
    learning_rates,
    step_values,
)

__all__ = ["SKORCH", "TrainGuard"]

#: skorch's NeuralNetClassifier takes the log of the module's output for NLLLoss.
SKORCH = Dialect(
    raw_into_probabilities=(
        "end the module with nn.Softmax(dim=-1): NeuralNetClassifier takes the log of the module's output "
        "for its default NLLLoss; or keep raw outputs and pass criterion=torch.nn.CrossEntropyLoss"
    ),
    to_int_labels="convert the labels to integers: y.astype('int64')",
)

#: The constructor's options: skorch's get_params must list these and nothing learned during a fit.
_OPTIONS = tuple(name for name in inspect.signature(GuardCallback.__init__).parameters if name != "self")


class TrainGuard(GuardCallback, Callback):
    """skorch callback running trainguard's data, non-finite, epoch-length and loss/output guards.

    The options are :class:`~trainguard.guards.callback.GuardCallback`'s; ``data_checks`` here is
    the NaN/Inf check of ``X`` and ``y`` at fit start.
    """

    where = "skorch TrainGuard"

    def _get_param_names(self) -> list[str]:
        # skorch takes every attribute not ending in "_" for a parameter, which would make
        # sklearn.clone(net) pass the fit's state to __init__; the options are the parameters.
        return list(_OPTIONS)

    def initialize(self) -> TrainGuard:
        self._started = self._check_empty = False
        self._epoch = self._step = self._batch_index = 0
        self._batch: Any = None  # the batch as skorch hands it to the hooks
        self._first = True
        self._skipped = False
        self._params: list[torch.nn.Parameter] | None = None
        self._flat = False  # whether the gradients suit step_values' flat read (set with _params)
        return self

    # --- skorch hooks ----------------------------------------------------------------------------

    def on_train_begin(self, net: Any, X: Any = None, y: Any = None, **kwargs: Any) -> None:
        self._begin_fit()
        self._started, self._first, self._params = False, True, None
        if self.data_checks:
            self._stop_if_error(
                nonfinite_data_finding(X, y, where=f"{type(net).__name__}.fit"), NonFiniteError
            )

    def on_epoch_begin(self, net: Any, dataset_train: Any = None, **kwargs: Any) -> None:
        self._epoch, self._batch_index = len(net.history), 0
        if not self._started:  # the DataLoader exists only now
            self._started = True
            self._check_empty = isinstance(dataset_train, torch.utils.data.IterableDataset)
            length = _length(net.get_iterator(dataset_train, training=True))
            kind = f"skorch DataLoader over {type(dataset_train).__name__}"
            self._guards.on_fit_start(FitInfo(source_len=length, source_kind=kind))

    def on_batch_begin(
        self, net: Any, batch: Any = None, training: bool | None = None, **kwargs: Any
    ) -> None:
        if training and self._check_empty:  # only an IterableDataset can run into empty batches
            for finding in self._guards.on_batch_start(
                BatchInfo(self._epoch, self._batch_index, _rows(batch))
            ):
                self._stop_if_error(finding)

    def on_grad_computed(
        self, net: Any, named_parameters: Any, batch: Any = None, training: bool | None = None, **kw: Any
    ) -> None:
        """After backward, before ``optimizer.step``: every per-step check runs here, in one hook."""
        if not training:
            return
        self._batch, self._skipped = batch, False  # unpacked only when a check needs it
        # the same parameters every step: listing skorch's generator each step costs more than the check
        params = self._params
        if params is None:
            params = self._params = [p for _, p in named_parameters]
            self._flat = flat_norm_fits(params)
        if self._first:
            self._first = False
            self._check_first_batch(net)
        nonfinite = self._guards.nonfinite
        if nonfinite is None:
            return
        # skorch hands over no loss here: it is judged at the end of the batch
        _, grad_norm = step_values(None, [g for p in params if (g := p.grad) is not None], flat=self._flat)
        if nonfinite.passes(None, grad_norm):  # the finite step costs no more than this
            return
        info = StepInfo(self._epoch, self._step, self._batch_index, None, grad_norm)

        def stop(info: StepInfo, note: str) -> None:
            self._stop_nonfinite(net, info, note)

        verdict = act_on_step(nonfinite, info, self._xy() or (), net.optimizer_, params, stop)
        self._skipped = verdict is not Verdict.STEP

    def on_batch_end(self, net: Any, batch: Any = None, training: bool | None = None, **kwargs: Any) -> None:
        if not training:
            return
        nonfinite, loss = self._guards.nonfinite, kwargs.get("loss")
        if nonfinite is not None and loss is not None and not self._skipped:
            value = loss.item() if isinstance(loss, torch.Tensor) else float(loss)
            nonfinite.losses.append(value)
            if not math.isfinite(value) and nonfinite.on_bad_step(model_caused=True) is Verdict.STOP:
                info = StepInfo(self._epoch, self._step, self._batch_index, value)
                self._stop_nonfinite(net, info, "the loss is non-finite but the gradients were finite")
        for finding in self._guards.on_batch_end(BatchInfo(self._epoch, self._batch_index)):
            self._stop_if_error(finding)
        self._step, self._batch_index = self._step + 1, self._batch_index + 1

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        for finding in self._guards.on_epoch_end(EpochInfo(self._epoch)):
            self._stop_if_error(finding)

    # --- guards ----------------------------------------------------------------------------------

    def _check_first_batch(self, net: Any) -> None:
        batch = self._xy()
        if self._guards.loss_mismatch is None or batch is None:
            return
        x, y = batch
        if not isinstance(y, torch.Tensor):
            return
        with torch.no_grad():
            y_pred = net.infer(x)
        if not isinstance(y_pred, torch.Tensor):
            return
        y = y.to(y_pred.device)
        if isinstance(net, skorch.NeuralNetClassifier) and isinstance(net.criterion_, torch.nn.NLLLoss):
            findings = check_kind(
                "sparse_probabilities", "NeuralNetClassifier(NLLLoss)", y_pred, y, dialect=SKORCH
            )
        else:
            findings = check_loss_inputs(net.criterion_, y_pred, y)
        for finding in self._guards.on_first_batch(findings):
            self._stop_if_error(finding, LossMismatchError)

    def _xy(self) -> tuple[Any, Any] | None:
        """The current batch as ``(X, y)``, as skorch unpacks it."""
        return None if self._batch is None else unpack_data(self._batch)

    def _stop_nonfinite(self, net: Any, info: StepInfo, note: str) -> None:
        nonfinite = self._guards.nonfinite
        assert nonfinite is not None
        batch = self._xy()
        if batch is not None:
            x, y = batch
            batch = (
                to_tensor(x, device=net.device),
                to_tensor(y, device=net.device) if y is not None else None,
            )
        finding = diagnose_torch_step(
            net.module_,
            lambda out, target: net.get_loss(out, target, X=batch[0] if batch else None, training=False),
            batch,
            info,
            grad_norms=list(nonfinite.norms),
            losses=list(nonfinite.losses),
            lrs=learning_rates(getattr(net, "optimizer_", None)),
            note=note,
        )
        self._stop_if_error(finding, NonFiniteError)


def _length(iterator: Any) -> int | None:
    try:
        return len(iterator)
    except TypeError:
        return None


def _rows(batch: Any) -> int | None:
    x = batch[0] if isinstance(batch, (tuple, list)) else batch
    shape = getattr(x, "shape", None)
    return int(shape[0]) if shape else None
