"""Metrics for judging a model, with the edge cases turned into ``None`` instead of crashes.

Every value comes from scikit-learn; this module only decides which function fits the task, which
class is positive, how probability columns line up with class labels, and what to report when a
metric is undefined for the data at hand (a fold with one class, a target with zeros for MAPE).
A report must always be written, so undefined metrics become ``None`` and sklearn's warnings are
kept away from the user.

The bootstrap is the one place with hand-written arithmetic: one sklearn call costs about a
millisecond of input validation regardless of size, so 1000 resamples through sklearn take
seconds. Each metric therefore also knows how to score many resamples at once from per-resample
row counts; the tests hold those vectorised versions to sklearn's numbers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn import metrics as skm

from trainguard.errors import ConfigError

Task = Literal["binary", "multiclass", "regression"]
TASKS: tuple[str, ...] = ("binary", "multiclass", "regression")

DEFAULT_METRIC: dict[str, str] = {
    "binary": "roc_auc",
    "multiclass": "f1_macro",
    "regression": "rmse",
}

_CLASSIFICATION = frozenset({"binary", "multiclass"})
_BINARY = frozenset({"binary"})
_MULTICLASS = frozenset({"multiclass"})
_REGRESSION = frozenset({"regression"})

# MAPE divides by |y_true|; below this the ratio is noise, not a percentage.
_MAPE_ZERO = 1e-12
# Cells (resamples x rows) scored per vectorised batch: bounds memory to tens of MB.
_BATCH_CELLS = 2**21

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# Prepared inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    """Arrays validated once, so each metric (and each resample) skips the checks."""

    y_true: np.ndarray
    y_pred: np.ndarray | None
    proba: FloatArray | None
    classes: np.ndarray | None

    def __len__(self) -> int:
        return len(self.y_true)

    def take(self, idx: NDArray[np.intp]) -> _Inputs:
        return _Inputs(
            y_true=self.y_true[idx],
            y_pred=None if self.y_pred is None else self.y_pred[idx],
            proba=None if self.proba is None else self.proba[idx],
            classes=self.classes,
        )

    @property
    def pos_label(self) -> Any:
        assert self.classes is not None
        return self.classes[1]


def _as_1d(values: ArrayLike, what: str, dtype: Any = None) -> np.ndarray:
    array = np.asarray(values, dtype=dtype)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {array.shape}")
    return array


def _prepare_regression(y_true: ArrayLike, y_pred: ArrayLike | None) -> _Inputs:
    truth = _as_1d(y_true, "y_true", dtype=float)
    if y_pred is None:
        raise ValueError("regression metrics need y_pred")
    pred = _as_1d(y_pred, "y_pred", dtype=float)
    _check_length(truth, pred, "y_pred")
    return _Inputs(y_true=truth, y_pred=pred, proba=None, classes=None)


def _prepare_classification(
    y_true: ArrayLike,
    y_pred: ArrayLike | None,
    proba: ArrayLike | None,
    classes: ArrayLike | None,
) -> _Inputs:
    truth = _as_1d(y_true, "y_true")
    pred = None if y_pred is None else _as_1d(y_pred, "y_pred")
    if pred is not None:
        _check_length(truth, pred, "y_pred")
    labels = _resolve_classes(truth, pred, proba, classes)
    probs = None if proba is None else _as_proba(proba, len(truth), labels)
    if pred is None and probs is not None:
        # Predicted labels follow from probabilities; callers that only have proba need not
        # repeat predict() to get the label metrics.
        pred = labels[np.argmax(probs, axis=1)]
    return _Inputs(y_true=truth, y_pred=pred, proba=probs, classes=labels)


def _check_length(truth: np.ndarray, other: np.ndarray, what: str) -> None:
    if len(other) != len(truth):
        raise ValueError(f"{what} has {len(other)} rows but y_true has {len(truth)}")


def _resolve_classes(
    truth: np.ndarray, pred: np.ndarray | None, proba: ArrayLike | None, classes: ArrayLike | None
) -> np.ndarray:
    """Without explicit classes, guess them from the labels seen, and refuse when probabilities
    make the guess risky (a class missing from y_true would shift every column)."""
    if classes is not None:
        return _as_1d(classes, "classes")
    seen = truth if pred is None else np.concatenate([truth, pred])
    labels = np.unique(seen)
    if proba is not None:
        width = np.shape(proba)[1] if np.ndim(proba) == 2 else 2
        if width != len(labels):
            raise ValueError(
                f"proba has {width} columns but {len(labels)} labels were seen; pass classes="
            )
    return labels


def _as_proba(proba: ArrayLike, n_rows: int, classes: np.ndarray) -> FloatArray:
    probs = np.asarray(proba, dtype=float)
    if probs.ndim == 1 and len(classes) == 2:
        probs = np.column_stack([1.0 - probs, probs])
    if probs.shape != (n_rows, len(classes)):
        raise ValueError(
            f"proba must have shape ({n_rows}, {len(classes)}) to match y_true and classes, "
            f"got {probs.shape}"
        )
    return probs


def _binary_classes(inputs: _Inputs) -> None:
    assert inputs.classes is not None
    if len(inputs.classes) != 2:
        raise ValueError(
            f"binary metrics need exactly two classes, got {list(inputs.classes)}; pass classes="
        )


# --------------------------------------------------------------------------------------------
# Metric
# --------------------------------------------------------------------------------------------


# Scores many resamples at once: takes a (resamples, rows) matrix of drawn row indices and
# returns one value per resample, NaN where the metric is undefined for that resample.
Resampled = Callable[[NDArray[np.intp]], FloatArray]


@dataclass(frozen=True)
class Metric:
    """A named metric with what model selection needs to know: direction and input kind."""

    name: str
    greater_is_better: bool
    needs_proba: bool
    tasks: frozenset[str]
    compute: Callable[[_Inputs], float] = field(repr=False, compare=False)
    batch: Callable[[_Inputs], Resampled] | None = field(default=None, repr=False, compare=False)

    @property
    def is_regression(self) -> bool:
        return "regression" in self.tasks

    def __call__(
        self,
        y_true: ArrayLike,
        y_pred: ArrayLike | None = None,
        proba: ArrayLike | None = None,
        *,
        classes: ArrayLike | None = None,
    ) -> float:
        """The metric's value, or NaN when the data leaves it undefined (never a warning)."""
        return self._evaluate(self._prepare(y_true, y_pred, proba, classes))

    def _prepare(
        self,
        y_true: ArrayLike,
        y_pred: ArrayLike | None,
        proba: ArrayLike | None,
        classes: ArrayLike | None,
    ) -> _Inputs:
        if self.is_regression:
            return _prepare_regression(y_true, y_pred)
        if self.needs_proba and proba is None:
            raise ValueError(f"metric '{self.name}' needs predicted probabilities (proba=)")
        if y_pred is None and proba is None:
            raise ValueError(f"metric '{self.name}' needs y_pred or proba")
        inputs = _prepare_classification(y_true, y_pred, proba, classes)
        if self.tasks == _BINARY:
            _binary_classes(inputs)  # a caller's mistake, so raise rather than return NaN
        return inputs

    def _evaluate(self, inputs: _Inputs) -> float:
        with _quiet():
            return _safely(self.compute, inputs)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence what sklearn and numpy say about undefined values; we report those as None."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", UserWarning)  # includes UndefinedMetricWarning
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _safely(compute: Callable[[_Inputs], float], inputs: _Inputs) -> float:
    if len(inputs) == 0:
        return math.nan
    try:
        return float(compute(inputs))
    except ValueError:
        # sklearn's way of saying "not defined for this data" (one class present, NaN input).
        return math.nan


# --------------------------------------------------------------------------------------------
# sklearn calls (full data)
# --------------------------------------------------------------------------------------------


def _both_present(mask: np.ndarray) -> bool:
    return bool(mask.any()) and not bool(mask.all())


def _sk_accuracy(d: _Inputs) -> float:
    return skm.accuracy_score(d.y_true, d.y_pred)


def _sk_balanced_accuracy(d: _Inputs) -> float:
    return skm.balanced_accuracy_score(d.y_true, d.y_pred)


def _sk_binary(score_fn: Callable[..., float]) -> Callable[[_Inputs], float]:
    def compute(d: _Inputs) -> float:
        return score_fn(d.y_true, d.y_pred, pos_label=d.pos_label, zero_division=0)

    return compute


def _sk_averaged(score_fn: Callable[..., float], average: str) -> Callable[[_Inputs], float]:
    # labels=None on purpose: like sklearn's own scorers, average over the labels that occur,
    # so a class absent from both y_true and y_pred doesn't drag the mean down.
    def compute(d: _Inputs) -> float:
        return score_fn(d.y_true, d.y_pred, average=average, zero_division=0)

    return compute


def _sk_roc_auc(d: _Inputs) -> float:
    positive = d.y_true == d.pos_label
    if not _both_present(positive):
        return math.nan
    assert d.proba is not None
    return skm.roc_auc_score(positive, d.proba[:, 1])


def _sk_pr_auc(d: _Inputs) -> float:
    positive = d.y_true == d.pos_label
    if not positive.any():
        return math.nan  # sklearn returns 0 here, which reads as a real (terrible) score
    assert d.proba is not None
    return skm.average_precision_score(positive, d.proba[:, 1])


def _sorted_columns(d: _Inputs) -> tuple[FloatArray, list[Any]]:
    """Probabilities with columns in sorted label order: sklearn reads them that way (log_loss)
    or insists on it (roc_auc's ``labels``), while ``classes`` may come in any order."""
    assert d.proba is not None and d.classes is not None
    order = np.argsort(d.classes, kind="stable")
    return d.proba[:, order], list(d.classes[order])


def _sk_roc_auc_ovr(d: _Inputs) -> float:
    proba, labels = _sorted_columns(d)
    return skm.roc_auc_score(d.y_true, proba, multi_class="ovr", average="macro", labels=labels)


def _sk_log_loss(d: _Inputs) -> float:
    proba, labels = _sorted_columns(d)
    return skm.log_loss(d.y_true, proba, labels=labels)


def _sk_regression(score_fn: Callable[..., float]) -> Callable[[_Inputs], float]:
    def compute(d: _Inputs) -> float:
        return score_fn(d.y_true, d.y_pred)

    return compute


def _target_has_zeros(y_true: np.ndarray) -> bool:
    return bool(np.any(np.abs(y_true) < _MAPE_ZERO))


def _sk_mape(d: _Inputs) -> float:
    if _target_has_zeros(d.y_true):
        return math.nan  # sklearn divides by machine epsilon and reports an absurd number
    return skm.mean_absolute_percentage_error(d.y_true, d.y_pred)


# --------------------------------------------------------------------------------------------
# Vectorised scoring of resamples
# --------------------------------------------------------------------------------------------


def _divide(num: np.ndarray, den: np.ndarray) -> FloatArray:
    """``num / den`` with 0 where ``den`` is 0: sklearn's ``zero_division=0``."""
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den > 0)


def _codes(values: np.ndarray, labels: np.ndarray) -> NDArray[np.intp] | None:
    """Position of each value in ``labels`` (any order), or None if some value is not a label."""
    order = np.argsort(labels, kind="stable")
    where = np.searchsorted(labels, values, sorter=order).clip(0, len(labels) - 1)
    codes = order[where]
    return codes if np.array_equal(labels[codes], values) else None


def _count(atoms: NDArray[np.intp], n_atoms: int) -> NDArray[np.int64]:
    """How often each atom occurs in each resample: one bincount for all of them."""
    count = len(atoms)
    offsets = np.arange(count)[:, None] * n_atoms
    return np.bincount((atoms + offsets).ravel(), minlength=count * n_atoms).reshape(count, n_atoms)


ConfusionScore = Callable[[FloatArray, int], FloatArray]


def _confusion_batch(from_confusion: ConfusionScore) -> Callable[[_Inputs], Resampled]:
    """Label metrics depend only on the confusion matrix, so a resample is scored from counts of
    the k*k (true, predicted) pairs."""

    def batch(d: _Inputs) -> Resampled:
        assert d.y_pred is not None and d.classes is not None
        n = len(d)
        labels, codes = np.unique(
            np.concatenate([d.y_true, d.y_pred, d.classes]), return_inverse=True
        )
        k = len(labels)
        pos = int(codes[2 * n + 1]) if len(d.classes) > 1 else 0
        pairs = codes[:n] * k + codes[n : 2 * n]

        def evaluate(idx: NDArray[np.intp]) -> FloatArray:
            return from_confusion(_count(pairs[idx], k * k).reshape(-1, k, k).astype(float), pos)

        return evaluate

    return batch


def _cm_parts(cm: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-class true positives, true counts and predicted counts, each (resamples, k)."""
    return np.diagonal(cm, axis1=1, axis2=2), cm.sum(axis=2), cm.sum(axis=1)


def _cm_accuracy(cm: FloatArray, pos: int) -> FloatArray:
    tp, true, _ = _cm_parts(cm)
    return tp.sum(axis=1) / true.sum(axis=1)


def _cm_balanced_accuracy(cm: FloatArray, pos: int) -> FloatArray:
    tp, true, _ = _cm_parts(cm)
    present = true > 0  # sklearn drops classes absent from y_true
    return (_divide(tp, true) * present).sum(axis=1) / present.sum(axis=1)


def _cm_precision(cm: FloatArray, pos: int) -> FloatArray:
    tp, _, pred = _cm_parts(cm)
    return _divide(tp[:, pos], pred[:, pos])


def _cm_recall(cm: FloatArray, pos: int) -> FloatArray:
    tp, true, _ = _cm_parts(cm)
    return _divide(tp[:, pos], true[:, pos])


def _cm_f1(cm: FloatArray, pos: int) -> FloatArray:
    tp, true, pred = _cm_parts(cm)
    return _divide(2 * tp[:, pos], true[:, pos] + pred[:, pos])


def _per_class_precision(tp: FloatArray, true: FloatArray, pred: FloatArray) -> FloatArray:
    return _divide(tp, pred)


def _per_class_recall(tp: FloatArray, true: FloatArray, pred: FloatArray) -> FloatArray:
    return _divide(tp, true)


def _per_class_f1(tp: FloatArray, true: FloatArray, pred: FloatArray) -> FloatArray:
    return _divide(2 * tp, true + pred)


PerClass = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]


def _cm_macro(per_class: PerClass) -> ConfusionScore:
    def score(cm: FloatArray, pos: int) -> FloatArray:
        tp, true, pred = _cm_parts(cm)
        present = (true + pred) > 0  # the labels sklearn would see in this resample
        return (per_class(tp, true, pred) * present).sum(axis=1) / present.sum(axis=1)

    return score


def _cm_f1_weighted(cm: FloatArray, pos: int) -> FloatArray:
    tp, true, pred = _cm_parts(cm)
    return (_per_class_f1(tp, true, pred) * true).sum(axis=1) / true.sum(axis=1)


GroupCounts = Callable[[NDArray[np.intp]], tuple[FloatArray, FloatArray]]


def _ranked(score: FloatArray, positive: np.ndarray) -> GroupCounts:
    """Ranking metrics depend on how many positives and negatives share each distinct score, so
    a row is reduced to (rank of its score, is it positive) once, and resamples count those."""
    _, group = np.unique(score, return_inverse=True)
    n_groups = int(group.max()) + 1 if len(group) else 0
    atoms = group * 2 + positive.astype(np.intp)

    def counts(idx: NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
        by_group = _count(atoms[idx], 2 * n_groups).reshape(-1, n_groups, 2).astype(float)
        return by_group[:, :, 1], by_group[:, :, 0]  # positives, negatives; ascending score

    return counts


def _auc_from_groups(pos: FloatArray, neg: FloatArray) -> FloatArray:
    """Mann-Whitney form of ROC AUC: equal to the trapezoid area sklearn computes, ties as 1/2."""
    below = np.cumsum(neg, axis=1) - neg
    pairs = pos.sum(axis=1) * neg.sum(axis=1)
    wins = (pos * (below + 0.5 * neg)).sum(axis=1)
    return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1.0), np.nan)


def _ap_from_groups(pos: FloatArray, neg: FloatArray) -> FloatArray:
    """Average precision as sklearn defines it: precision times recall gained, summed over the
    distinct thresholds from the highest score down."""
    pos, neg = pos[:, ::-1], neg[:, ::-1]
    tps = np.cumsum(pos, axis=1)
    precision = _divide(tps, tps + np.cumsum(neg, axis=1))
    total = pos.sum(axis=1)
    gained = (pos * precision).sum(axis=1)
    return np.where(total > 0, gained / np.where(total > 0, total, 1.0), np.nan)


def _batch_roc_auc(d: _Inputs) -> Resampled:
    assert d.proba is not None
    counts = _ranked(d.proba[:, 1], d.y_true == d.pos_label)
    return lambda idx: _auc_from_groups(*counts(idx))


def _batch_pr_auc(d: _Inputs) -> Resampled:
    assert d.proba is not None
    counts = _ranked(d.proba[:, 1], d.y_true == d.pos_label)
    return lambda idx: _ap_from_groups(*counts(idx))


def _batch_roc_auc_ovr(d: _Inputs) -> Resampled:
    assert d.proba is not None and d.classes is not None
    proba = d.proba
    per_class = [_ranked(proba[:, k], d.y_true == label) for k, label in enumerate(d.classes)]

    def evaluate(idx: NDArray[np.intp]) -> FloatArray:
        aucs = [_auc_from_groups(*counts(idx)) for counts in per_class]
        return np.mean(aucs, axis=0)  # NaN if any class is one-sided: sklearn refuses then

    return evaluate


def _row_mean(per_row: FloatArray) -> Resampled:
    return lambda idx: per_row[idx].mean(axis=1)


def _batch_log_loss(d: _Inputs) -> Resampled:
    assert d.proba is not None and d.classes is not None
    codes = _codes(d.y_true, d.classes)
    if codes is None:
        raise ValueError("y_true has labels outside classes")
    eps = np.finfo(d.proba.dtype).eps  # sklearn's clipping, so the values match it
    p_true = np.clip(d.proba, eps, 1 - eps)[np.arange(len(d)), codes]
    return _row_mean(-np.log(p_true))


def _errors(d: _Inputs) -> FloatArray:
    assert d.y_pred is not None
    return d.y_pred - d.y_true


def _batch_mse(d: _Inputs) -> Resampled:
    return _row_mean(_errors(d) ** 2)


def _batch_rmse(d: _Inputs) -> Resampled:
    mse = _batch_mse(d)
    return lambda idx: np.sqrt(mse(idx))


def _batch_mae(d: _Inputs) -> Resampled:
    return _row_mean(np.abs(_errors(d)))


def _batch_mape(d: _Inputs) -> Resampled:
    eps = np.finfo(np.float64).eps  # sklearn's floor for |y_true|
    return _row_mean(np.abs(_errors(d)) / np.maximum(np.abs(d.y_true), eps))


def _batch_r2(d: _Inputs) -> Resampled:
    squared_errors = _errors(d) ** 2

    def evaluate(idx: NDArray[np.intp]) -> FloatArray:
        truth = d.y_true[idx]
        residual = squared_errors[idx].sum(axis=1)
        total = ((truth - truth.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
        # sklearn's force_finite: a constant target scores 1 if predicted exactly, else 0.
        forced = np.where(residual == 0, 1.0, 0.0)
        value = np.where(total == 0, forced, 1 - residual / np.where(total == 0, 1.0, total))
        return value if idx.shape[1] >= 2 else np.full(len(idx), np.nan)

    return evaluate


def _batch_median_ae(d: _Inputs) -> Resampled:
    absolute = np.abs(_errors(d))
    return lambda idx: np.median(absolute[idx], axis=1)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


def _metric(
    name: str,
    tasks: frozenset[str],
    compute: Callable[[_Inputs], float],
    batch: Callable[[_Inputs], Resampled],
    *,
    greater: bool = True,
    proba: bool = False,
) -> Metric:
    return Metric(name, greater, proba, tasks, compute=compute, batch=batch)


def _label_metric(
    name: str, tasks: frozenset[str], compute: Callable[[_Inputs], float], cm: ConfusionScore
) -> Metric:
    return _metric(name, tasks, compute, _confusion_batch(cm))


def _regression_metric(
    name: str, score_fn: Callable[..., float], batch: Callable[[_Inputs], Resampled], greater: bool
) -> Metric:
    return _metric(name, _REGRESSION, _sk_regression(score_fn), batch, greater=greater)


_ALL_METRICS: tuple[Metric, ...] = (
    _label_metric("accuracy", _CLASSIFICATION, _sk_accuracy, _cm_accuracy),
    _label_metric(
        "balanced_accuracy", _CLASSIFICATION, _sk_balanced_accuracy, _cm_balanced_accuracy
    ),
    _label_metric("precision", _BINARY, _sk_binary(skm.precision_score), _cm_precision),
    _label_metric("recall", _BINARY, _sk_binary(skm.recall_score), _cm_recall),
    _label_metric("f1", _BINARY, _sk_binary(skm.f1_score), _cm_f1),
    _metric("roc_auc", _BINARY, _sk_roc_auc, _batch_roc_auc, proba=True),
    _metric("pr_auc", _BINARY, _sk_pr_auc, _batch_pr_auc, proba=True),
    _label_metric(
        "precision_macro",
        _CLASSIFICATION,
        _sk_averaged(skm.precision_score, "macro"),
        _cm_macro(_per_class_precision),
    ),
    _label_metric(
        "recall_macro",
        _CLASSIFICATION,
        _sk_averaged(skm.recall_score, "macro"),
        _cm_macro(_per_class_recall),
    ),
    _label_metric(
        "f1_macro", _CLASSIFICATION, _sk_averaged(skm.f1_score, "macro"), _cm_macro(_per_class_f1)
    ),
    _label_metric(
        "f1_weighted", _CLASSIFICATION, _sk_averaged(skm.f1_score, "weighted"), _cm_f1_weighted
    ),
    _metric("roc_auc_ovr", _MULTICLASS, _sk_roc_auc_ovr, _batch_roc_auc_ovr, proba=True),
    _metric("log_loss", _CLASSIFICATION, _sk_log_loss, _batch_log_loss, greater=False, proba=True),
    _regression_metric("mse", skm.mean_squared_error, _batch_mse, greater=False),
    _regression_metric("rmse", skm.root_mean_squared_error, _batch_rmse, greater=False),
    _regression_metric("mae", skm.mean_absolute_error, _batch_mae, greater=False),
    _regression_metric("r2", skm.r2_score, _batch_r2, greater=True),
    _metric("mape", _REGRESSION, _sk_mape, _batch_mape, greater=False),
    _regression_metric("median_ae", skm.median_absolute_error, _batch_median_ae, greater=False),
)

METRICS: dict[str, Metric] = {metric.name: metric for metric in _ALL_METRICS}

_ALIASES: dict[str, str] = {
    "auc": "roc_auc",
    "logloss": "log_loss",
    "cross_entropy": "log_loss",
    "average_precision": "pr_auc",
    "mean_squared_error": "mse",
    "root_mean_squared_error": "rmse",
    "mean_absolute_error": "mae",
    "median_absolute_error": "median_ae",
    "mean_absolute_percentage_error": "mape",
    "r2_score": "r2",
}
# Names whose meaning is unambiguous per task: ROC AUC on several classes means one-vs-rest.
_TASK_ALIASES: dict[str, dict[str, str]] = {
    "multiclass": {"roc_auc": "roc_auc_ovr", "auc": "roc_auc_ovr"},
}

# What evaluate_predictions reports, in order.
_REPORTED: dict[str, tuple[str, ...]] = {
    "binary": (
        "accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc",
        "log_loss",
    ),
    "multiclass": (
        "accuracy", "balanced_accuracy", "precision_macro", "recall_macro", "f1_macro",
        "f1_weighted", "roc_auc_ovr", "log_loss",
    ),
    "regression": ("mse", "rmse", "mae", "r2", "mape", "median_ae"),
}


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ConfigError(
            f"unknown task '{task}'", where="--task", fix=f"choose one of: {', '.join(TASKS)}"
        )


def metrics_for(task: str) -> list[str]:
    """Metric names that fit ``task``, for help texts and error messages."""
    _check_task(task)
    return [name for name, metric in METRICS.items() if task in metric.tasks]


def default_metric(task: str) -> str:
    _check_task(task)
    return DEFAULT_METRIC[task]


def get_metric(name: str, task: str) -> Metric:
    """Resolve what a user typed after ``--metric``, accepting common spellings."""
    _check_task(task)
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    key = _TASK_ALIASES.get(task, {}).get(key, key)
    key = _ALIASES.get(key, key)
    choices = f"choose one of: {', '.join(metrics_for(task))}"
    metric = METRICS.get(key)
    if metric is None:
        raise ConfigError(f"unknown metric '{name}'", where="--metric", fix=choices)
    if task not in metric.tasks:
        raise ConfigError(
            f"metric '{name}' does not apply to a {task} task", where="--metric", fix=choices
        )
    return metric


# --------------------------------------------------------------------------------------------
# Full report
# --------------------------------------------------------------------------------------------


def _json_float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _json_label(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


def _confusion(d: _Inputs) -> list[list[int]] | None:
    assert d.classes is not None
    try:
        with _quiet():
            matrix = skm.confusion_matrix(d.y_true, d.y_pred, labels=d.classes)
    except ValueError:
        return None
    return [[int(cell) for cell in row] for row in matrix]


def evaluate_predictions(
    task: str,
    y_true: ArrayLike,
    y_pred: ArrayLike | None,
    proba: ArrayLike | None = None,
    *,
    classes: ArrayLike | None = None,
) -> dict[str, Any]:
    """Every metric for the task, JSON-ready, so reports never branch on what is defined.

    Probability metrics are None without ``proba``; metrics undefined for this data are None.
    """
    _check_task(task)
    if task == "regression":
        return _evaluate_regression(_prepare_regression(y_true, y_pred))
    if y_pred is None and proba is None:
        raise ValueError("classification metrics need y_pred or proba")
    inputs = _prepare_classification(y_true, y_pred, proba, classes)
    if task == "binary":
        _binary_classes(inputs)
    result = _scores(task, inputs)
    result["confusion_matrix"] = _confusion(inputs)
    assert inputs.classes is not None
    result["classes"] = [_json_label(label) for label in inputs.classes]
    if task == "binary":
        result["positive_class"] = _json_label(inputs.pos_label)
    return result


def _scores(task: str, inputs: _Inputs) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in _REPORTED[task]:
        metric = METRICS[name]
        missing = metric.needs_proba and inputs.proba is None
        result[name] = None if missing else _json_float(metric._evaluate(inputs))
    return result


def _evaluate_regression(inputs: _Inputs) -> dict[str, Any]:
    result = _scores("regression", inputs)
    if _target_has_zeros(inputs.y_true):
        median_ae = result.pop("median_ae")
        result["mape_note"] = "undefined: target has zeros"
        result["median_ae"] = median_ae
    return result


# --------------------------------------------------------------------------------------------
# Bootstrap confidence interval
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfidenceInterval:
    """A percentile-bootstrap interval; ``n_valid`` counts the resamples where it was defined."""

    metric: str
    value: float
    low: float
    high: float
    level: float
    n_resamples: int
    n_valid: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": _json_float(self.value),
            "low": _json_float(self.low),
            "high": _json_float(self.high),
            "level": self.level,
            "n_resamples": self.n_resamples,
            "n_valid": self.n_valid,
        }


def bootstrap_ci(
    metric: Metric,
    y_true: ArrayLike,
    y_pred: ArrayLike | None = None,
    proba: ArrayLike | None = None,
    *,
    classes: ArrayLike | None = None,
    level: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> ConfidenceInterval:
    """How much the score would move on another sample of the same size, by resampling rows.

    Resamples where the metric is undefined (one class only) are skipped; if they are the
    majority, the interval is NaN rather than an estimate from a biased minority.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    inputs = metric._prepare(y_true, y_pred, proba, classes)
    value = metric._evaluate(inputs)
    if math.isnan(value):
        return ConfidenceInterval(metric.name, value, math.nan, math.nan, level, n_resamples, 0)
    values = _resample_values(metric, inputs, n_resamples, np.random.default_rng(seed))
    valid = values[~np.isnan(values)]
    low = high = math.nan
    if 2 * len(valid) >= n_resamples:
        tail = (1 - level) / 2
        low, high = (float(q) for q in np.quantile(valid, [tail, 1 - tail]))
    return ConfidenceInterval(metric.name, value, low, high, level, n_resamples, len(valid))


def _draws(rng: np.random.Generator, n_rows: int, count: int) -> Iterator[NDArray[np.intp]]:
    """Row indices per resample, drawn one resample at a time so that batching never changes
    which rows a seed picks."""
    for _ in range(count):
        yield rng.integers(0, n_rows, size=n_rows)


def _resample_values(
    metric: Metric, inputs: _Inputs, n_resamples: int, rng: np.random.Generator
) -> FloatArray:
    if metric.batch is None:
        return _resample_one_by_one(metric, inputs, n_resamples, rng)
    n_rows = len(inputs)
    per_batch = max(1, _BATCH_CELLS // n_rows)
    values = []
    with _quiet():
        evaluate = metric.batch(inputs)
        for start in range(0, n_resamples, per_batch):
            idx = np.stack(list(_draws(rng, n_rows, min(per_batch, n_resamples - start))))
            values.append(evaluate(idx))
    return np.concatenate(values)


def _resample_one_by_one(
    metric: Metric, inputs: _Inputs, n_resamples: int, rng: np.random.Generator
) -> FloatArray:
    """For metrics without a vectorised form: correct, but about a millisecond per resample."""
    with _quiet():
        draws = _draws(rng, len(inputs), n_resamples)
        values = [_safely(metric.compute, inputs.take(idx)) for idx in draws]
    return np.asarray(values, dtype=float)


# --------------------------------------------------------------------------------------------
# Scoring a fitted model
# --------------------------------------------------------------------------------------------


def score(
    metric: Metric, estimator: Any, X: Any, y: ArrayLike, *, classes: ArrayLike | None = None
) -> float:
    """Score a fitted model on validation data, asking it for labels or probabilities as the
    metric needs. ``classes`` defaults to ``estimator.classes_``."""
    known = getattr(estimator, "classes_", None)
    labels = classes if classes is not None else known
    if not metric.needs_proba:
        return metric(y, estimator.predict(X), classes=labels)
    if not hasattr(estimator, "predict_proba"):
        raise ConfigError(
            f"the model gives no probabilities, so '{metric.name}' cannot be computed",
            where="--metric",
            fix="choose a metric computed from predicted labels, such as accuracy or f1_macro",
        )
    proba = np.asarray(estimator.predict_proba(X), dtype=float)
    if known is not None and labels is not None:
        proba = _align_proba(proba, np.asarray(known), np.asarray(labels))
    return metric(y, proba=proba, classes=labels)


def _align_proba(proba: FloatArray, known: np.ndarray, classes: np.ndarray) -> FloatArray:
    """Reorder columns from the model's class order to ``classes``; a class the model never saw
    in training (a rare class missing from a fold) gets probability 0."""
    if np.array_equal(known, classes):
        return proba
    missing = set(known.tolist()) - set(classes.tolist())
    if missing:
        raise ValueError(f"the model predicts classes {sorted(missing)} that are not in classes")
    aligned = np.zeros((len(proba), len(classes)))
    for column, label in enumerate(known):
        aligned[:, classes.tolist().index(label)] = proba[:, column]
    return aligned


__all__ = [
    "DEFAULT_METRIC",
    "METRICS",
    "ConfidenceInterval",
    "Metric",
    "Task",
    "bootstrap_ci",
    "default_metric",
    "evaluate_predictions",
    "get_metric",
    "metrics_for",
    "score",
]
