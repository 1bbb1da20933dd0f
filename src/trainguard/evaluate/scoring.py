"""Scoring a fitted model with a metric, and reading metric sets back as numbers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import Metric
from trainguard.models.predictions import align_proba

#: Entries of a metric set that are labels, not scores.
NOT_METRICS = frozenset({"positive_class", "classes", "confusion_matrix"})


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
        proba = align_proba(proba, np.asarray(known), np.asarray(labels))
    return metric(y, proba=proba, classes=labels)


def scalar_metrics(metrics: Mapping[str, Any]) -> dict[str, float | None]:
    """The numeric entries of a metric set (confusion matrix, class lists and notes left out)."""
    out: dict[str, float | None] = {}
    for key, value in metrics.items():
        if isinstance(value, bool) or key in NOT_METRICS:
            continue
        if value is None or isinstance(value, (int, float)):
            out[key] = None if value is None or (isinstance(value, float) and math.isnan(value)) \
                else float(value)
    return out
