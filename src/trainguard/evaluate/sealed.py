"""The test set, sealed until the very end and then opened exactly once.

A score on the test set is only an unbiased estimate of future performance if nothing was
chosen by looking at it. Holding the test rows in an object that refuses a second look turns
that rule into code: model selection cannot peek, and a second evaluation is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from trainguard.data.target import Task
from trainguard.evaluate.metrics import Metric, bootstrap_ci, evaluate_predictions


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
    ) -> dict[str, dict[str, Any]]:
        """Every model's full metric set and a bootstrap interval on the main metric."""
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
        return results


def _predict(
    model: Pipeline, X: pd.DataFrame, task: Task
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    y_pred = model.predict(X)
    if task == "regression":
        return y_pred, None, None
    proba = model.predict_proba(X) if hasattr(model, "predict_proba") else None
    return y_pred, proba, np.asarray(model.classes_)
