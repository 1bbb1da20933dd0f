"""Prediction inputs validated once (labels, probabilities, classes), shared by every metric.

Each metric and each bootstrap resample then skips sklearn's input checks; undefined values are
reported as NaN (later ``None``), never as a warning or a crash.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
# Scores many resamples at once: takes a (resamples, rows) matrix of drawn row indices and
# returns one value per resample, NaN where the metric is undefined for that resample.
Resampled = Callable[[NDArray[np.intp]], FloatArray]
# MAPE divides by |y_true|; below this the ratio is noise, not a percentage.
_MAPE_ZERO = 1e-12


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



def _target_has_zeros(y_true: np.ndarray) -> bool:
    return bool(np.any(np.abs(y_true) < _MAPE_ZERO))


def json_float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
