"""How well one column, on its own, predicts a label: out-of-fold, vectorised, in milliseconds.

Each column is cut into bins (quantile bins for numbers, one bin per category, one bin for
missing values). For every fold, the per-bin label statistics of the other folds predict the
held-out rows: this is a one-feature histogram model, about what a deep decision tree on that
column alone would learn, but computed with ``numpy.bincount`` instead of fitting a model per
column and fold. Scores are out-of-fold, so a column with many distinct values (an identifier)
cannot score well by memorising rows.

Used by the leakage check (column vs target, training rows only) and by the distribution-shift
check (column vs "is this a test row").
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from trainguard.data.schema import Role, as_category_labels, parse_datetimes

#: Quantile bins for a numeric column; enough to follow a near-copy of a continuous target
#: (R² ≈ 0.999 for a uniform copy) while keeping ~75 rows per bin at 5,000 rows.
NUMERIC_BINS = 64
#: Categories kept as their own bin; rarer ones share a bin (they would be unseen out-of-fold anyway).
MAX_CATEGORY_BINS = 256
N_FOLDS = 5
#: Pseudo-count pulling a bin's estimate towards the overall label distribution.
SMOOTHING = 1.0


def numeric_values(values: pd.Series, role: Role) -> np.ndarray | None:
    """The column as floats (NaN for missing), or None when it is not numeric-like."""
    if role == Role.DATETIME:
        parsed = parse_datetimes(values)
        missing = parsed.isna().to_numpy()
        out = np.array(parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64), dtype=float)
        out[missing] = np.nan
        return out
    if role in (Role.NUMERIC, Role.BOOLEAN):
        if role == Role.BOOLEAN and not pd.api.types.is_numeric_dtype(values):
            return None
        return pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    return None


def bin_codes(values: pd.Series, role: Role, max_bins: int = NUMERIC_BINS) -> tuple[np.ndarray, int]:
    """Integer bin per row (missing values get their own bin) and the number of bins."""
    numbers = numeric_values(values, role)
    if numbers is not None:
        missing = np.isnan(numbers)
        present = numbers[~missing]
        codes = np.zeros(len(numbers), dtype=np.int64)
        if len(present):
            uniques = np.unique(present)
            if len(uniques) <= max_bins:
                codes[~missing] = np.searchsorted(uniques, present)
                n = len(uniques)
            else:
                finite = present[np.isfinite(present)]
                edges = np.unique(np.quantile(finite, np.linspace(0, 1, max_bins + 1))[1:-1])
                codes[~missing] = np.searchsorted(edges, present, side="right")
                n = len(edges) + 1
        else:
            n = 0
        codes[missing] = n
        return codes, n + 1
    labels = as_category_labels(values)
    counts = labels.value_counts()
    kept = counts.index[:MAX_CATEGORY_BINS - 2]
    mapping = {label: i for i, label in enumerate(kept)}
    mapped = labels.map(mapping)
    other = len(kept)
    mapped = mapped.where(labels.isna() | mapped.notna(), other)  # rare categories
    return mapped.fillna(other + 1).to_numpy(dtype=np.int64), other + 2  # missing: own bin


def fold_ids(n: int, seed: int, labels: np.ndarray | None = None, n_folds: int = N_FOLDS) -> np.ndarray:
    """Shuffled fold numbers, stratified by ``labels`` (integer codes) when given."""
    rng = np.random.default_rng(seed)
    folds = np.empty(n, dtype=np.int64)
    groups = [np.arange(n)] if labels is None else [np.flatnonzero(labels == k) for k in np.unique(labels)]
    offset = 0
    for rows in groups:
        rows = rng.permutation(rows)
        folds[rows] = (np.arange(len(rows)) + offset) % n_folds
        offset += len(rows)
    return folds


def oof_class_proba(codes: np.ndarray, n_bins: int, y: np.ndarray, n_classes: int,
                    folds: np.ndarray) -> np.ndarray:
    """Out-of-fold class probabilities from per-bin class counts of the other folds."""
    proba = np.empty((len(codes), n_classes))
    for k in np.unique(folds):
        held = folds == k
        fit = ~held
        counts = np.bincount(codes[fit] * n_classes + y[fit], minlength=n_bins * n_classes)
        counts = counts.reshape(n_bins, n_classes).astype(float)
        prior = np.bincount(y[fit], minlength=n_classes) / max(fit.sum(), 1)
        table = (counts + SMOOTHING * prior) / (counts.sum(axis=1, keepdims=True) + SMOOTHING)
        proba[held] = table[codes[held]]
    return proba


def oof_regression(codes: np.ndarray, n_bins: int, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    pred = np.empty(len(codes))
    for k in np.unique(folds):
        held = folds == k
        fit = ~held
        sums = np.bincount(codes[fit], weights=y[fit], minlength=n_bins)
        counts = np.bincount(codes[fit], minlength=n_bins)
        # No shrinkage (it would bias small bins of a near-copy towards the mean); a bin empty
        # in the other folds predicts the overall mean.
        means = np.where(counts > 0, sums / np.maximum(counts, 1), y[fit].mean())
        pred[held] = means[codes[held]]
    return pred


def auc(y: np.ndarray, proba: np.ndarray) -> float:
    """ROC-AUC: binary on the positive column, multiclass as the macro one-vs-rest mean over the
    classes present (what scikit-learn's ``multi_class="ovr"`` computes, but for any scores, not
    only probabilities that sum to 1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if proba.shape[1] == 2:
            return float(roc_auc_score(y, proba[:, 1]))
        return float(np.mean([roc_auc_score(y == k, proba[:, k]) for k in np.unique(y)]))


def r2(y: np.ndarray, pred: np.ndarray) -> float:
    total = float(np.sum((y - y.mean()) ** 2))
    if total == 0:
        return 0.0
    return 1.0 - float(np.sum((y - pred) ** 2)) / total


def score_codes(codes: np.ndarray, n_bins: int, y: np.ndarray, classification: bool,
                folds: np.ndarray, n_classes: int = 0) -> float:
    """Out-of-fold ROC-AUC (classification, ``y`` as integer codes) or R² (regression)."""
    if classification:
        return auc(y, oof_class_proba(codes, n_bins, y, n_classes, folds))
    return r2(y, oof_regression(codes, n_bins, y, folds))


def score_held_out(codes: np.ndarray, n_bins: int, y: np.ndarray, classification: bool,
                   halves: np.ndarray, n_classes: int = 0) -> float:
    """Score on the rows with ``halves == 1`` of the one-column model fit on the rows with
    ``halves == 0`` (train on one part, score another)."""
    held = halves == 1
    if classification:
        proba = oof_class_proba(codes, n_bins, y, n_classes, halves)
        return auc(y[held], proba[held])
    return r2(y[held], oof_regression(codes, n_bins, y, halves)[held])
