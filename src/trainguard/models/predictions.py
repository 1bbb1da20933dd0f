"""A model's predictions as numbers in a fixed class order, for averaging and scoring."""

from __future__ import annotations

from typing import Any

import numpy as np


def predictions(estimator: Any, X: Any, classes: Any | None) -> np.ndarray:
    """What a model predicts for ``X`` as numbers to average: probabilities in the column order
    of ``classes`` for a classifier (``classes`` given), else its predicted values."""
    if classes is None:
        return np.asarray(estimator.predict(X), dtype=float)
    proba = np.asarray(estimator.predict_proba(X), dtype=float)
    return align_proba(proba, np.asarray(estimator.classes_), np.asarray(classes))


def align_proba(proba: np.ndarray, known: np.ndarray, classes: np.ndarray) -> np.ndarray:
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
