"""The test set, sealed until the very end and then opened exactly once.

A score on the test set is only an unbiased estimate of future performance if nothing was
chosen by looking at it. Holding the test rows in an object that refuses a second look turns
that rule into code: model selection cannot peek, and a second evaluation is an error.

Everything a report needs from the test rows is therefore computed inside that one evaluation:
the predictions (for the confusion matrix, ROC, calibration and residual plots) and the
permutation importance of the final model. Both are kept on the object (``predictions``,
``importance``) and saved with the run, so no later step ever has a reason to open it again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from trainguard.data.target import Task
from trainguard.evaluate.bootstrap import bootstrap_ci
from trainguard.evaluate.metrics import Metric, evaluate_predictions
from trainguard.evaluate.scoring import score

#: Permutation importance re-predicts the test rows ``repeats x features`` times; beyond this many
#: rows a random subsample gives the same ranking at a fraction of the cost.
IMPORTANCE_MAX_ROWS = 2000
IMPORTANCE_REPEATS = 5
#: Resampled rows :func:`bootstrap_seconds_per_row` times (one vectorised batch, about 2^20 cells).
TIMED_BOOTSTRAP_ROWS = 2**20


def evaluation_predictions(n_columns: int, n_test_rows: int | None = None,
                           n_scored_rows: int | None = None) -> float:
    """How many times the sealed evaluation predicts the test rows: the model's labels and
    probabilities, the baseline's, and permutation importance's repeats of each column.

    With the row counts, in passes over ``n_scored_rows`` rows (the validation rows a candidate's
    scoring time was measured on): permutation importance predicts at most
    ``IMPORTANCE_MAX_ROWS`` rows a pass, so on 100,000 rows its 50 passes cost as much as 7
    over the validation rows, not 50 (counting 50 held back 12 s of a 60 s budget for nothing).
    """
    whole, importance = 4.0, float(IMPORTANCE_REPEATS * n_columns)
    if n_test_rows and n_scored_rows:
        whole *= n_test_rows / n_scored_rows
        importance *= min(n_test_rows, IMPORTANCE_MAX_ROWS) / n_scored_rows
    return whole + importance


def bootstrap_seconds_per_row(model: Pipeline, X: pd.DataFrame, y: pd.Series, *, task: Task,
                              metric: Metric) -> float:
    """Seconds :meth:`SealedTestSet.evaluate`'s bootstrap takes per resampled row, timed on
    ``model``'s predictions of ``X`` (validation rows, never test rows) over enough resamples for
    about :data:`TIMED_BOOTSTRAP_ROWS` resampled rows: a few hundredths of a second, so that a
    time budget can keep back what the 1,000 resamples of the test rows will cost."""
    y_pred, proba, classes = _predict(model, X, task)
    n_resamples = max(2, TIMED_BOOTSTRAP_ROWS // max(1, len(y)))
    start = time.perf_counter()
    bootstrap_ci(metric, y, y_pred, proba, classes=classes, n_resamples=n_resamples)
    return (time.perf_counter() - start) / (n_resamples * max(1, len(y)))


class TestSetAlreadyUsedError(RuntimeError):
    """Raised on a second look at a sealed test set."""

    __test__ = False  # not a pytest test class, despite the name


class SealedTestSet:
    """Test rows that can be evaluated once, for all models at the same time."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, X: pd.DataFrame, y: pd.Series) -> None:
        self._X = X
        self._y = y
        self.opened = False
        #: Per model, the test rows' ``y_true``, ``y_pred`` and ``proba_<class>`` columns, filled
        #: by :meth:`evaluate`.
        self.predictions: dict[str, pd.DataFrame] = {}
        #: Permutation importance of the model named by ``evaluate(importance_of=...)``.
        self.importance: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self._y)

    def __repr__(self) -> str:
        state = "opened" if self.opened else "sealed"
        return f"<SealedTestSet {len(self)} rows, {state}>"

    def evaluate(
        self,
        models: Mapping[str, Pipeline],
        *,
        task: Task,
        metric: Metric,
        seed: int,
        n_resamples: int = 1000,
        importance_of: str | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Every model's full metric set and a bootstrap interval on the main metric.

        The predictions stay in :attr:`predictions`; with ``importance_of``, that model's
        permutation importance (drop of ``metric`` when a column is shuffled) goes to
        :attr:`importance`. It is computed here, on the final model and the test rows, because
        this is the only unbiased place: the refit model has seen the validation rows, and
        nothing is chosen from the importance, so the one-look rule still holds.
        """
        if self.opened:
            raise TestSetAlreadyUsedError(
                "the test set was already evaluated once; a second look would turn it into a "
                "validation set and bias the score"
            )
        self.opened = True
        results: dict[str, dict[str, Any]] = {}
        for name, model in models.items():
            y_pred, proba, classes = _predict(model, self._X, task)
            metrics = evaluate_predictions(task, self._y, y_pred, proba, classes=classes)
            ci = bootstrap_ci(
                metric, self._y, y_pred, proba, classes=classes, seed=seed, n_resamples=n_resamples
            )
            results[name] = {"metrics": metrics, "ci": ci.to_dict()}
            self.predictions[name] = _prediction_frame(self._y, y_pred, proba, classes)
        if importance_of is not None and len(self._X) > 1:
            self.importance = _permutation_importance(models[importance_of], self._X, self._y,
                                                      metric=metric, seed=seed)
        return results


def _prediction_frame(y: pd.Series, y_pred: np.ndarray, proba: np.ndarray | None,
                      classes: np.ndarray | None) -> pd.DataFrame:
    frame = pd.DataFrame({"y_true": np.asarray(y), "y_pred": np.asarray(y_pred)})
    if proba is not None and classes is not None:
        for column, label in enumerate(classes):
            frame[f"proba_{label}"] = proba[:, column]
    return frame


def _permutation_importance(model: Pipeline, X: pd.DataFrame, y: pd.Series, *, metric: Metric,
                            seed: int) -> pd.DataFrame:
    """Mean and spread of the score drop per raw input column, most important first."""
    from sklearn.inspection import permutation_importance

    sign = 1.0 if metric.greater_is_better else -1.0

    def scorer(estimator: Any, X_: pd.DataFrame, y_: pd.Series) -> float:
        return sign * score(metric, estimator, X_, y_)

    result = permutation_importance(
        model, X, y, scoring=scorer, n_repeats=IMPORTANCE_REPEATS, random_state=seed,
        max_samples=min(len(X), IMPORTANCE_MAX_ROWS), n_jobs=1,
    )
    frame = pd.DataFrame({
        "feature": [str(c) for c in X.columns],
        "importance_mean": result.importances_mean,
        "importance_std": result.importances_std,
    })
    return frame.sort_values("importance_mean", ascending=False, kind="stable").reset_index(drop=True)


def _predict(
    model: Pipeline, X: pd.DataFrame, task: Task
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    y_pred = model.predict(X)
    if task == "regression":
        return y_pred, None, None
    proba = model.predict_proba(X) if hasattr(model, "predict_proba") else None
    return y_pred, proba, np.asarray(model.classes_)
