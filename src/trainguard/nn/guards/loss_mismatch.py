"""Loss/output mismatch checks, run on the first batch of every fit.

Each check catches a mistake that trains "fine" (or crashes cryptically, on CUDA as a device-side
assert) while learning the wrong thing: a sigmoid before ``BCEWithLogitsLoss`` (double sigmoid), a
softmax before ``CrossEntropyLoss``, ``(N, 1)`` predictions against ``(N,)`` targets that broadcast
to an ``(N, N)`` loss, float class labels, class labels outside ``0..C-1``. The decision is the pure
function :func:`check_loss_inputs`; the Trainer raises on error findings and warns on the others.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from trainguard.findings import Finding, Severity
from trainguard.guards.base import GuardError

#: Fewer values than this in [0, 1] can be chance, not a sigmoid.
MIN_VALUES_FOR_PROBABILITY_GUESS: Final = 8
_SUM_TOL: Final = 1e-3


class LossMismatchError(GuardError):
    """The model's outputs or the targets do not fit the loss function."""


_KINDS: Final[dict[Any, str]] = {
    nn.BCEWithLogitsLoss: "bce_logits",
    F.binary_cross_entropy_with_logits: "bce_logits",
    nn.BCELoss: "bce",
    F.binary_cross_entropy: "bce",
    nn.CrossEntropyLoss: "cross_entropy",
    F.cross_entropy: "cross_entropy",
    nn.NLLLoss: "nll",
    F.nll_loss: "nll",
    nn.MSELoss: "regression",
    F.mse_loss: "regression",
    nn.L1Loss: "regression",
    F.l1_loss: "regression",
    nn.SmoothL1Loss: "regression",
    F.smooth_l1_loss: "regression",
    nn.HuberLoss: "regression",
    F.huber_loss: "regression",
}


def loss_kind(loss_fn: Callable[..., Any]) -> str | None:
    """The family of a known torch loss (module, class, functional or partial); None if unknown."""
    while isinstance(loss_fn, functools.partial):
        loss_fn = loss_fn.func
    for key in (loss_fn, type(loss_fn)):
        try:
            if key in _KINDS:
                return _KINDS[key]
        except TypeError:  # unhashable callable
            return None
    return None


def loss_name(loss_fn: Callable[..., Any]) -> str:
    while isinstance(loss_fn, functools.partial):
        loss_fn = loss_fn.func
    return getattr(loss_fn, "__name__", None) or type(loss_fn).__name__


@dataclass(frozen=True)
class Dialect:
    """How one framework spells the fixes: the checks are the same, the advice is the framework's."""

    drop_sigmoid: str = (
        "remove the final nn.Sigmoid from the model and keep BCEWithLogitsLoss (apply torch.sigmoid only "
        "at prediction time)"
    )
    logits_loss: str = "BCEWithLogitsLoss applies its own sigmoid"
    raw_into_probabilities: str = (
        "use nn.BCEWithLogitsLoss on the raw outputs (numerically stable, applies the sigmoid itself)"
    )
    drop_softmax: str = (
        "remove the final nn.Softmax and feed raw logits to CrossEntropyLoss (apply softmax only at "
        "prediction time)"
    )
    softmax_loss: str = "CrossEntropyLoss applies log_softmax itself"
    to_int_labels: str = "convert the labels to integers: y.long()"
    #: Whole-number float labels are cast by the framework (Keras): a warning, not an error.
    casts_float_labels: bool = False
    #: The framework aligns (N, 1) with (N,) before an elementwise loss (Keras 3): no static check.
    aligns_ranks: bool = False


TORCH: Final = Dialect()
KERAS: Final = Dialect(
    drop_sigmoid=(
        "remove activation='sigmoid' from the last layer, or keep it and compile the loss with "
        "from_logits=False"
    ),
    logits_loss="the loss was compiled with from_logits=True, so it applies its own sigmoid",
    raw_into_probabilities=(
        "compile the loss with from_logits=True (numerically stable), or end the model with "
        "activation='sigmoid' (binary) / 'softmax' (classes)"
    ),
    drop_softmax=(
        "remove activation='softmax' from the last layer, or keep it and compile the loss with "
        "from_logits=False"
    ),
    softmax_loss="the loss was compiled with from_logits=True, so it applies softmax itself",
    to_int_labels="convert the labels to integers: y.astype('int64')",
    casts_float_labels=True,
    aligns_ranks=True,
)


def check_loss_inputs(loss_fn: Callable[..., Any], output: Any, target: Any) -> list[Finding]:
    """Every mismatch between ``loss_fn`` and this batch's outputs and targets (empty when fine)."""
    kind = loss_kind(loss_fn)
    if kind is None:
        return []
    ignore_index = getattr(loss_fn, "ignore_index", -100)
    return check_kind(kind, loss_name(loss_fn), output, target, ignore_index=ignore_index)


def check_kind(
    kind: str, name: str, output: Any, target: Any, *, ignore_index: int = -100, dialect: Dialect = TORCH
) -> list[Finding]:
    """The checks of one loss family (``"bce_logits"``, ``"sparse_probabilities"``, ...) on tensors."""
    if not isinstance(output, Tensor) or not isinstance(target, Tensor):
        return []
    ctx = _Ctx(name, output.detach(), target.detach(), ignore_index, dialect)
    checks = [c for c in _CHECKS[kind] if not (dialect.aligns_ranks and c is _broadcast)]
    return [finding for check in checks if (finding := check(ctx)) is not None]


class _Ctx:
    """The batch as the checks see it, with the shape text every message needs."""

    def __init__(
        self, name: str, out: Tensor, tgt: Tensor, ignore_index: int, dialect: Dialect = TORCH
    ) -> None:
        self.name, self.out, self.tgt, self.ignore_index = name, out, tgt, ignore_index
        self.dialect = dialect

    @property
    def shapes(self) -> dict[str, Any]:
        return {
            "loss": self.name,
            "output_shape": list(self.out.shape),
            "target_shape": list(self.tgt.shape),
            "output_dtype": str(self.out.dtype),
            "target_dtype": str(self.tgt.dtype),
        }

    def finding(
        self, id: str, severity: Severity, message: str, fix: str, details: list[str], **evidence: Any
    ) -> Finding:
        return Finding(
            id=id,
            severity=severity,
            message=f"{self.name} on the first batch: {message}",
            fix=fix,
            evidence=self.shapes | evidence | {"details": details},
        )


def _in_unit_interval(t: Tensor) -> bool:
    return t.is_floating_point() and bool(((t >= 0) & (t <= 1)).all())


def _shape(t: Tensor) -> str:
    return "(" + ", ".join(str(d) for d in t.shape) + ("," if t.ndim == 1 else "") + ")"


# --- checks ---------------------------------------------------------------------------------------


def _broadcast(c: _Ctx) -> Finding | None:
    """Elementwise losses silently broadcast (N, 1) against (N,) into an (N, N) loss."""
    if c.out.shape == c.tgt.shape:
        return None
    try:
        shape = torch.broadcast_shapes(c.out.shape, c.tgt.shape)
    except RuntimeError:
        return c.finding(
            "loss-shape-mismatch",
            Severity.ERROR,
            f"output shape {_shape(c.out)} and target shape {_shape(c.tgt)} do not match",
            "make the model output one value per target value: same shape as the targets",
            ["An elementwise loss compares output[i] with target[i], so both need the same shape."],
        )
    if math.prod(shape) <= max(c.out.numel(), c.tgt.numel()):
        return None
    fix = (
        "squeeze the model output (output.squeeze(-1)) or give targets a column axis (y.view(-1, 1)) "
        "so both have the same shape"
    )
    return c.finding(
        "loss-shape-broadcast",
        Severity.ERROR,
        f"output shape {_shape(c.out)} and target shape {_shape(c.tgt)} broadcast to "
        f"{tuple(shape)}: every prediction is compared with every target",
        fix,
        [
            f"Broadcasting turns {c.out.numel()} predictions and {c.tgt.numel()} targets into "
            f"{math.prod(shape)} pairs; the loss is averaged over all of them, so the model learns to "
            "predict "
            "the mean target and looks like it is learning nothing."
        ],
        broadcast_shape=list(shape),
    )


def _double_sigmoid(c: _Ctx) -> Finding | None:
    if c.out.numel() < MIN_VALUES_FOR_PROBABILITY_GUESS or not _in_unit_interval(c.out):
        return None
    return c.finding(
        "double-sigmoid",
        Severity.WARNING,
        f"all {c.out.numel()} outputs lie in [0, 1] (min {float(c.out.min()):.3g}, max "
        f"{float(c.out.max()):.3g}): they look like sigmoid probabilities, but {c.dialect.logits_loss}, "
        "so the sigmoid is applied twice",
        c.dialect.drop_sigmoid,
        [
            "A double sigmoid squeezes probabilities into [0.5, 0.73]: gradients shrink and the loss cannot "
            "fall below about 0.31 per sample."
        ],
    )


def _bce_outputs(c: _Ctx) -> Finding | None:
    if _in_unit_interval(c.out):
        return None
    return c.finding(
        "bce-input-not-probabilities",
        Severity.ERROR,
        f"outputs range over [{float(c.out.min()):.3g}, {float(c.out.max()):.3g}], but {c.name} needs "
        "probabilities in [0, 1]: these look like raw logits",
        c.dialect.raw_into_probabilities,
        [
            "torch refuses values outside [0, 1] in BCELoss; adding a sigmoid before BCELoss works but is "
            "less stable than BCEWithLogitsLoss."
        ],
    )


def _bce_targets(c: _Ctx) -> Finding | None:
    if _in_unit_interval(c.tgt.float()):
        return None
    values = torch.unique(c.tgt)[:5].tolist()
    return c.finding(
        "bce-target-out-of-range",
        Severity.ERROR,
        f"targets include values outside [0, 1] (e.g. {values}), but binary cross-entropy needs 0/1 "
        "labels or probabilities",
        "for more than two classes use nn.CrossEntropyLoss with one output per class and integer labels "
        "0..C-1; for two classes re-encode the labels to 0/1",
        ["Binary cross-entropy treats each target as the probability of the positive class."],
    )


def _n_classes(c: _Ctx) -> int:
    return int(c.out.shape[1] if c.out.ndim >= 2 else c.out.shape[0])


def _single_class(c: _Ctx) -> Finding | None:
    if _n_classes(c) != 1:
        return None
    return c.finding(
        "single-class-output",
        Severity.ERROR,
        "the model outputs 1 column, and cross-entropy over a single class is always 0: nothing is learned",
        "for a binary target use nn.BCEWithLogitsLoss with an (N, 1) output and float 0/1 targets of "
        "shape (N, 1), or output 2 columns and keep CrossEntropyLoss",
        ["Softmax over one class is 1 whatever the input, so the gradient is zero."],
    )


def _class_targets(c: _Ctx) -> Finding | None:
    """Float labels where class indices are expected, or integer one-hot where probabilities are."""
    index_shape = c.out.shape[:1] + c.out.shape[2:] if c.out.ndim >= 2 else torch.Size([])
    if c.tgt.is_floating_point() and c.tgt.shape == index_shape:
        whole = bool((c.tgt == c.tgt.round()).all())
        cause = (
            "they are whole numbers, so they are class labels stored as float"
            if whole
            else "they are not whole numbers, so this looks like a regression target"
        )
        fix = (
            c.dialect.to_int_labels
            if whole
            else "for a numeric target use a regression loss such as nn.MSELoss with one output column"
        )
        severity = Severity.WARNING if whole and c.dialect.casts_float_labels else Severity.ERROR
        return c.finding(
            "float-class-targets",
            severity,
            f"targets are {c.tgt.dtype} of shape {_shape(c.tgt)}: {c.name} needs integer class "
            f"indices for targets of this shape; {cause}",
            fix,
            ["Float targets are only accepted as class probabilities with the same shape as the output."],
        )
    if not c.tgt.is_floating_point() and c.tgt.shape == c.out.shape and c.out.ndim >= 2:
        return c.finding(
            "integer-one-hot-targets",
            Severity.ERROR,
            f"targets are integer with the output's shape {_shape(c.tgt)}: they look one-hot encoded",
            "pass class indices (y.argmax(1)) or float probabilities (y.float())",
            [
                "CrossEntropyLoss takes either class indices of shape (N,) or float probabilities shaped "
                "like the output."
            ],
        )
    return None


def _class_range(c: _Ctx) -> Finding | None:
    if c.tgt.is_floating_point() or c.tgt.is_complex() or c.tgt.shape == c.out.shape:
        return None
    labels = c.tgt[c.tgt != c.ignore_index]
    if labels.numel() == 0:
        return None
    low, high, n_classes = int(labels.min()), int(labels.max()), _n_classes(c)
    if low >= 0 and high < n_classes:
        return None
    return c.finding(
        "class-target-out-of-range",
        Severity.ERROR,
        f"class labels range over {low}..{high}, but the model outputs {n_classes} columns, so valid "
        f"labels are 0..{n_classes - 1}",
        (
            f"give the model one output per class ({high + 1} if labels are 0..{high}), or re-encode the "
            "labels to 0..C-1 (e.g. sklearn LabelEncoder; labels starting at 1 need y - 1)"
        ),
        [
            "Out-of-range labels crash on CPU with an IndexError and on CUDA with an opaque device-side "
            "assert that poisons the CUDA context."
        ],
        label_min=low,
        label_max=high,
        n_classes=n_classes,
    )


def _looks_like_softmax(out: Tensor) -> bool:
    if out.ndim < 2 or out.shape[1] < 2 or not _in_unit_interval(out):
        return False
    return bool(((out.sum(dim=1) - 1).abs() <= _SUM_TOL).all())


def _double_softmax(c: _Ctx) -> Finding | None:
    if not _looks_like_softmax(c.out):
        return None
    return c.finding(
        "double-softmax",
        Severity.WARNING,
        "every output row lies in [0, 1] and sums to 1: the outputs look like softmax probabilities, but "
        f"{c.dialect.softmax_loss}",
        c.dialect.drop_softmax,
        ["Softmax applied twice flattens the probabilities, so gradients shrink and training stalls."],
    )


def _nll_inputs(c: _Ctx) -> Finding | None:
    if _looks_like_softmax(c.out):
        problem = "every output row lies in [0, 1] and sums to 1: these are probabilities"
    elif c.out.is_floating_point() and bool((c.out > 0).any()):
        problem = "some outputs are positive, so they are not log-probabilities (raw logits?)"
    else:
        return None
    return c.finding(
        "nll-input-not-log-probabilities",
        Severity.WARNING,
        f"{problem}, but NLLLoss expects log-probabilities",
        "end the model with nn.LogSoftmax(dim=1), or drop the final layer and use nn.CrossEntropyLoss "
        "on raw logits",
        ["NLLLoss only picks -output[target]; it does not normalise."],
    )


def _integer_regression_target(c: _Ctx) -> Finding | None:
    if c.tgt.is_floating_point() or not c.out.is_floating_point():
        return None
    return c.finding(
        "integer-regression-target",
        Severity.ERROR,
        f"targets are {c.tgt.dtype}, but a regression loss needs floating-point targets",
        "convert the targets: y.float() (or, for class labels, use nn.CrossEntropyLoss)",
        ["torch refuses to mix integer targets with float predictions in this loss."],
    )


def _probabilities(c: _Ctx) -> Finding | None:
    """A loss that expects probabilities (Keras ``from_logits=False``) fed raw outputs."""
    if _looks_like_softmax(c.out):
        return None
    return c.finding(
        "loss-input-not-probabilities",
        Severity.ERROR,
        f"outputs range over [{float(c.out.min()):.3g}, {float(c.out.max()):.3g}] and their rows do not "
        "sum to 1, but the loss expects probabilities (from_logits=False): these look like raw logits",
        c.dialect.raw_into_probabilities,
        [
            "A probability loss clips its inputs to [eps, 1 - eps], so raw logits outside that range give "
            "wrong losses and zero gradients."
        ],
    )


_Check = Callable[[_Ctx], Finding | None]
_CHECKS: Final[dict[str, tuple[_Check, ...]]] = {
    "bce_logits": (_broadcast, _double_sigmoid, _bce_targets),
    "bce": (_broadcast, _bce_outputs, _bce_targets),
    "cross_entropy": (_single_class, _class_targets, _class_range, _double_softmax),
    "nll": (_single_class, _class_targets, _class_range, _nll_inputs),
    "regression": (_broadcast, _integer_regression_target),
    # Keras cross-entropies: sparse labels into probabilities (from_logits=False), one-hot targets
    "sparse_probabilities": (_single_class, _class_targets, _class_range, _probabilities),
    "categorical_logits": (_double_softmax,),
    "categorical_probabilities": (_probabilities,),
}
