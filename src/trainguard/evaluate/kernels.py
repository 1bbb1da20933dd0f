"""Vectorised scoring of bootstrap resamples: many resamples per numpy call.

The one place with hand-written arithmetic: one sklearn call costs about a millisecond of input
validation regardless of size, so 1000 resamples through sklearn take seconds. Each metric
therefore also knows how to score many resamples at once from per-resample row counts; the
tests hold these versions to sklearn's numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from trainguard.evaluate.inputs import FloatArray, Resampled, _Inputs


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


