"""Percentile-bootstrap confidence intervals of a metric, scored many resamples at a time."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trainguard.evaluate.inputs import FloatArray, _Inputs, _quiet, _safely, json_float
from trainguard.evaluate.metrics import Metric

# Cells (resamples x rows) scored per vectorised batch: bounds memory to tens of MB.
_BATCH_CELLS = 2**21




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
            "value": json_float(self.value),
            "low": json_float(self.low),
            "high": json_float(self.high),
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


