"""Greedy ensemble selection (Caruana et al. 2004) over the searched families, on training rows only.

Each family's best configuration has out-of-fold predictions of the training rows (the search's
own CV folds: every row predicted by a fit that never saw it) or, with ``--cv 0``, predictions of
the validation rows by its fit on the training rows. Starting from the best single family, the
family whose addition (with replacement) most improves the averaged predictions' score is added
again and again; the weights are how often each was added. The ensemble is scored the way the
families are: the mean over the same folds of its out-of-fold score (or its validation score),
so it is chosen only when it beats the best family on the same footing. The test rows never
reach this module (:class:`~trainguard.selection.tuner.SearchData` refuses them).

Caruana, Niculescu-Mizil, Crew & Ksikes, "Ensemble selection from libraries of models", ICML 2004
(with replacement, initialised with the best model; AutoGluon and auto-sklearn use the same).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from trainguard.evaluate.metrics import Metric
from trainguard.selection.folds import Folds

#: Rounds of greedy selection: AutoGluon's default (``ensemble_size=25``); the weights are
#: multiples of 1/25, and more rounds move them less than CV noise.
ROUNDS = 25


@dataclass(frozen=True)
class Blend:
    """The chosen weights (one per family, summing to one) and the blend's score (greater is better)."""

    weights: tuple[float, ...]
    value: float


def greedy_selection(
    predictions: Sequence[np.ndarray], value: Callable[[np.ndarray], float], rounds: int = ROUNDS
) -> Blend:
    """Caruana's ensemble selection with replacement: ``value`` scores averaged predictions
    (greater is better); on equal values the earlier model is added (the order of the search)."""
    n = len(predictions)
    counts = np.zeros(n, dtype=int)
    total = np.zeros_like(predictions[0], dtype=float)
    best_value = -math.inf
    best_counts = counts.copy()
    for step in range(1, rounds + 1):
        values = [value((total + p) / step) for p in predictions]
        values = [v if math.isfinite(v) else -math.inf for v in values]
        pick = int(np.argmax(values))
        counts[pick] += 1
        total = total + predictions[pick]
        if values[pick] > best_value + 1e-12:
            best_value, best_counts = values[pick], counts.copy()
    weights = best_counts / best_counts.sum()
    return Blend(tuple(float(w) for w in weights), float(best_value))


def blend_value(
    metric: Metric, y: np.ndarray, classes: np.ndarray | None, folds: Folds | None
) -> Callable[[np.ndarray], float]:
    """Scores averaged predictions of ``y``'s rows as the families' CV scores are computed: the
    mean of the metric over the folds' held-out rows (one block without folds); greater is better."""
    sign = 1.0 if metric.greater_is_better else -1.0
    blocks = [va for _, va in folds] if folds else [np.arange(len(y))]

    def value(blend: np.ndarray) -> float:
        scores = [_score(metric, y[rows], blend[rows], classes) for rows in blocks]
        return sign * float(np.mean(scores))

    return value


def _score(metric: Metric, y: np.ndarray, blend: np.ndarray, classes: np.ndarray | None) -> float:
    if classes is None:
        return metric(y, blend)
    if metric.needs_proba:
        return metric(y, proba=blend, classes=classes)
    return metric(y, classes[np.argmax(blend, axis=1)], classes=classes)
