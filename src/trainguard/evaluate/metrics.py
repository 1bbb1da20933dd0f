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

The vectorised bootstrap kernels are in :mod:`trainguard.evaluate.kernels`, the interval in
:mod:`trainguard.evaluate.bootstrap`, and scoring a fitted model in :mod:`trainguard.evaluate.scoring`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn import metrics as skm

from trainguard.data.target import TASKS, Task
from trainguard.errors import ConfigError
from trainguard.evaluate.inputs import (
    FloatArray,
    Resampled,
    _binary_classes,
    _Inputs,
    _prepare_classification,
    _prepare_regression,
    _quiet,
    _safely,
    _target_has_zeros,
    json_float,
)
from trainguard.evaluate.kernels import (
    ConfusionScore,
    _batch_log_loss,
    _batch_mae,
    _batch_mape,
    _batch_median_ae,
    _batch_mse,
    _batch_pr_auc,
    _batch_r2,
    _batch_rmse,
    _batch_roc_auc,
    _batch_roc_auc_ovr,
    _cm_accuracy,
    _cm_balanced_accuracy,
    _cm_f1,
    _cm_f1_weighted,
    _cm_macro,
    _cm_precision,
    _cm_recall,
    _confusion_batch,
    _per_class_f1,
    _per_class_precision,
    _per_class_recall,
)

DEFAULT_METRIC: dict[str, str] = {
    "binary": "roc_auc",
    "multiclass": "f1_macro",
    "regression": "rmse",
}

_CLASSIFICATION = frozenset({"binary", "multiclass"})
_BINARY = frozenset({"binary"})
_MULTICLASS = frozenset({"multiclass"})
_REGRESSION = frozenset({"regression"})


# --------------------------------------------------------------------------------------------
# Metric
# --------------------------------------------------------------------------------------------


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


def _sk_mape(d: _Inputs) -> float:
    if _target_has_zeros(d.y_true):
        return math.nan  # sklearn divides by machine epsilon and reports an absurd number
    return skm.mean_absolute_percentage_error(d.y_true, d.y_pred)


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
        result[name] = None if missing else json_float(metric._evaluate(inputs))
    return result


def _evaluate_regression(inputs: _Inputs) -> dict[str, Any]:
    result = _scores("regression", inputs)
    if _target_has_zeros(inputs.y_true):
        median_ae = result.pop("median_ae")
        result["mape_note"] = "undefined: target has zeros"
        result["median_ae"] = median_ae
    return result



__all__ = [
    "DEFAULT_METRIC",
    "METRICS",
    "Metric",
    "Task",
    "default_metric",
    "evaluate_predictions",
    "get_metric",
    "metrics_for",
]
