"""The sealed test set: one look, which also yields the predictions and importance a report needs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from trainguard.evaluate.metrics import get_metric
from trainguard.evaluate.sealed import SealedTestSet, TestSetAlreadyUsedError


def _data(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"signal": rng.normal(size=n), "noise": rng.normal(size=n),
                      "weak": rng.normal(size=n)})
    y = pd.Series(np.where(X["signal"] + 0.3 * X["weak"] + 0.3 * rng.normal(size=n) > 0, "yes", "no"))
    return X, y


def test_one_evaluation_keeps_predictions_and_importance_and_refuses_a_second():
    X, y = _data(400, 0)
    X_test, y_test = _data(150, 1)
    model = LogisticRegression().fit(X, y)
    sealed = SealedTestSet(X_test, y_test)
    metric = get_metric("roc_auc", "binary")
    results = sealed.evaluate({"model": model}, task="binary", metric=metric, seed=0, n_resamples=50,
                              importance_of="model")
    predictions = sealed.predictions["model"]
    assert list(predictions.columns) == ["y_true", "y_pred", "proba_no", "proba_yes"]
    assert predictions["y_pred"].tolist() == model.predict(X_test).tolist()
    np.testing.assert_allclose(predictions["proba_yes"], model.predict_proba(X_test)[:, 1])
    assert (predictions["y_true"] == predictions["y_pred"]).mean() == pytest.approx(
        results["model"]["metrics"]["accuracy"])
    importance = sealed.importance
    assert importance["feature"].tolist() == ["signal", "weak", "noise"]
    assert importance.loc[0, "importance_mean"] > 0.2 > abs(importance.loc[2, "importance_mean"])
    with pytest.raises(TestSetAlreadyUsedError):
        sealed.evaluate({"model": model}, task="binary", metric=metric, seed=0)


def test_importance_of_a_lower_is_better_metric_is_still_a_drop():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=300), "noise": rng.normal(size=300)})
    y = pd.Series(3 * X["x"] + 0.1 * rng.normal(size=300))
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit(X[:200], y[:200])
    sealed = SealedTestSet(X[200:], y[200:])
    sealed.evaluate({"model": model}, task="regression", metric=get_metric("rmse", "regression"),
                    seed=0, n_resamples=20, importance_of="model")
    assert sealed.importance.iloc[0]["feature"] == "x" and sealed.importance.iloc[0]["importance_mean"] > 1
    assert "proba_" not in "".join(sealed.predictions["model"].columns)
