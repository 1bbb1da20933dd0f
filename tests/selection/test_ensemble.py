"""Greedy ensemble selection over out-of-fold predictions: weights, the same footing, no test rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline

import trainguard
from datagen import make_table
from recording import SEEN, Recorder, Recording
from trainguard.data.schema import coerce_features, infer_schema
from trainguard.evaluate.metrics import get_metric
from trainguard.features.preprocess import build_preprocessor
from trainguard.models import ModelContext, resolve_candidates
from trainguard.models.base import _REGISTRY, register
from trainguard.models.persist import TRUSTED_TYPES
from trainguard.selection.ensemble import blend_value, greedy_selection
from trainguard.selection.folds import make_folds
from trainguard.selection.select import search_candidates
from trainguard.selection.tuner import SearchData, SearchSettings


def _mse_value(y):
    return lambda blend: -float(np.mean((blend - y) ** 2))


def test_two_models_with_opposite_errors_get_equal_weights_and_a_useless_one_none():
    y = np.zeros(100)
    noise = np.random.default_rng(0).normal(size=100)
    first, second, useless = y + 1 + noise * 0.01, y - 1 - noise * 0.01, y + 5
    blend = greedy_selection([first, second, useless], _mse_value(y))
    assert blend.weights[2] == 0.0
    assert blend.weights[0] == pytest.approx(0.5, abs=0.05) and blend.weights[1] == pytest.approx(
        0.5, abs=0.05
    )
    assert blend.value > _mse_value(y)(first)


def test_a_model_that_no_blend_improves_stands_alone_with_its_own_score():
    y = np.linspace(0, 1, 50)
    exact, off = y.copy(), y + 0.3
    blend = greedy_selection([off, exact], _mse_value(y))
    assert blend.weights == (0.0, 1.0) and blend.value == 0.0


def _search(
    task="binary", metric="log_loss", n=400, cv=3, models=("linear", "lightgbm", "extra_trees"), storage=None
):
    frame = make_table(task, n=n)
    schema = infer_schema(frame.drop(columns="customer_id"), target="churned")
    X, y = coerce_features(frame, schema), frame.churned
    context = ModelContext(task=task, schema=schema, seed=0)
    candidates = [cls(context) for cls in resolve_candidates(list(models))]
    train = int(0.75 * n)
    folds = make_folds(cv, classification=task != "regression", y=y.iloc[:train], seed=0) if cv else None
    classes = np.unique(y) if task != "regression" else None
    data = SearchData(
        X.iloc[:train],
        y.iloc[:train],
        X.iloc[train:],
        y.iloc[train:],
        folds=folds,
        classes=classes,
        test_rows=np.arange(n, n + 10),
    )
    board = search_candidates(
        candidates, get_metric(metric, task), data, SearchSettings(n_trials=2, seed=0, storage=storage)
    )
    return board, data


@pytest.mark.parametrize("cv", [3, 0])
def test_a_familys_blend_alone_scores_exactly_its_cv_score_so_the_footing_is_the_same(cv):
    board, data = _search("multiclass", "f1_macro", cv=cv)
    metric = board.metric
    y = np.asarray(data.y_train if cv else data.y_val)
    value = blend_value(metric, y, data.classes, data.folds)
    for result in board.results:
        if result.name in ("baseline", "ensemble"):
            continue
        assert value(result.oof) == pytest.approx(result.selection_score, abs=1e-12), result.name


def test_the_ensemble_is_listed_with_its_members_and_chosen_only_when_it_beats_every_family():
    board, data = _search("regression", "rmse", n=400)
    rows = {r.name: r for r in board.results}
    assert "ensemble" in rows
    ensemble = rows["ensemble"]
    members = ensemble.params["members"]
    assert set(members) <= {"linear", "lightgbm", "extra_trees"} and len(members) >= 2
    assert sum(members.values()) == pytest.approx(1.0)
    best_family = min(r.cv_mean for r in board.results if r.name not in ("ensemble", "baseline"))
    assert (board.best() is ensemble) == (ensemble.cv_mean < best_family)
    frame = board.to_frame().set_index("model")
    assert '"members"' in frame.loc["ensemble", "params"]
    # It predicts like any model: the weighted average of its members' predictions.
    fitted = ensemble.pipeline
    expected = sum(
        w * e.predict(data.X_val) for w, e in zip(fitted.weights_, fitted.estimators_, strict=True)
    )
    np.testing.assert_allclose(fitted.predict(data.X_val), expected)


def test_a_resumed_search_rebuilds_the_same_ensemble_from_its_finished_studies(tmp_path):
    storage = f"sqlite:///{tmp_path / 'search.db'}"
    first, _ = _search("regression", "rmse", storage=storage)
    resumed, _ = _search("regression", "rmse", storage=storage)  # every study is done: no trial runs
    before = next(r for r in first.results if r.name == "ensemble")
    after = next(r for r in resumed.results if r.name == "ensemble")
    assert after.params == before.params
    assert after.cv_mean == pytest.approx(before.cv_mean, rel=1e-9)


class RecordingForest(Recording):
    name = "recording_forest"
    description = "a random forest that records the rows it sees"

    @classmethod
    def search_space(cls, task):
        return {"min_samples_leaf": {"type": "int", "low": 1, "high": 8}}

    def build(self):
        preprocess = Pipeline(
            [
                ("record", Recorder()),
                ("encode", build_preprocessor(self.context.schema, scale=False, categorical="ordinal")),
            ]
        )
        return Pipeline(
            [("preprocess", preprocess), ("model", RandomForestClassifier(n_estimators=20, random_state=0))]
        )


@pytest.fixture
def two_recorders():
    register(Recording)
    register(RecordingForest)
    SEEN.clear()
    yield
    _REGISTRY.pop("recording", None)
    _REGISTRY.pop("recording_forest", None)


def test_no_test_row_reaches_the_ensemble(two_recorders):
    frame = make_table("binary", n=300)
    schema = infer_schema(frame.drop(columns="customer_id"), target="churned")
    X, y = coerce_features(frame, schema), frame.churned
    test_rows = np.arange(225, 300)
    context = ModelContext(task="binary", schema=schema, seed=0)
    candidates = [cls(context) for cls in resolve_candidates(["recording", "recording_forest"])]
    folds = make_folds(3, classification=True, y=y.iloc[:180], seed=0)
    data = SearchData(
        X.iloc[:180],
        y.iloc[:180],
        X.iloc[180:225],
        y.iloc[180:225],
        folds=folds,
        classes=np.array(["no", "yes"]),
        test_rows=test_rows,
    )
    board = search_candidates(
        candidates, get_metric("roc_auc", "binary"), data, SearchSettings(n_trials=2, seed=0)
    )
    ensemble = next(r for r in board.results if r.name == "ensemble")
    assert set(ensemble.params["members"]) == {"recording", "recording_forest"}
    shown = np.concatenate([rows for _, rows in SEEN])
    assert len(shown) and not np.isin(shown, test_rows).any()
    assert not math.isnan(ensemble.cv_mean)


def test_a_run_that_chooses_the_ensemble_refits_saves_and_reloads_it(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4))
    # A linear part and a step: no single family of these two fits both well.
    target = 2 * X[:, 0] + np.sin(3 * X[:, 1]) + (X[:, 2] > 0) * 1.0 + rng.normal(0, 0.3, 400)
    frame = pd.DataFrame(X, columns=list("abcd")).assign(y=target)
    run = trainguard.train(
        frame, "y", models=["linear", "lightgbm", "extra_trees"], out=tmp_path / "r", trials=2
    )
    board = run.leaderboard.set_index("model")
    assert run.model_name == "ensemble" and bool(board.loc["ensemble", "selected"])
    named = set(sio.get_untrusted_types(file=run.path / "model.skops"))
    assert "trainguard.models.ensemble.WeightedEnsemble" in named
    assert {t for t in named if t.startswith(("trainguard.", "lightgbm."))} <= TRUSTED_TYPES
    new = frame.drop(columns="y")
    np.testing.assert_allclose(trainguard.load_run(run.path).predict(new), run.predict(new))
    model = run.metrics["test"]["model"]["metrics"]["rmse"]
    assert model < run.metrics["test"]["baseline"]["metrics"]["rmse"]
