"""The CatBoost candidate: native categories, early stopping on inner rows only, threads, saved runs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

import trainguard
from datagen import churn_features, make_table
from in_process import in_process
from trainguard.datasets import path as dataset_path
from trainguard.errors import ConfigError
from trainguard.models import ModelContext, catboosting, resolve_candidates
from trainguard.models.catboosting import CatBoost
from trainguard.models.persist import TRUSTED_TYPES, load_model, save_model

pytest.importorskip("catboost")  # an extra: trainguard[catboost]


def test_catboost_is_chosen_by_name_and_refused_clearly_where_not_installed(monkeypatch):
    assert "catboost" not in [c.name for c in resolve_candidates(None)]  # opt-in: slow on small tables
    assert [c.name for c in resolve_candidates(["catboost"])][1:] == ["catboost"]
    monkeypatch.setattr(catboosting, "catboost_installed", lambda: False)
    with pytest.raises(ConfigError, match="catboost") as error:
        resolve_candidates(["catboost"])
    assert "pip install 'trainguard[catboost]'" in str(error.value)


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_the_untuned_defaults_are_legal_draws_of_the_documented_space(task):
    from trainguard.selection.stage import documented_spaces
    from trainguard.selection.tuner import default_params

    schema, _, _ = churn_features(task)
    space = documented_spaces(task)["catboost"]
    candidate = CatBoost(ModelContext(task=task, schema=schema, seed=0))
    assert set(default_params(candidate, space)) == set(space)
    assert ("target_transform" in space) == (task == "regression")


class _Recording(CatBoost):
    """CatBoost that keeps the rows it was handed to stop on."""

    def _fit_model(self, model, Xt, y, Xv, y_val, epoch_callbacks=()):
        self.stop_rows = Xv
        super()._fit_model(model, Xt, y, Xv, y_val, epoch_callbacks)


def test_rounds_stop_early_on_inner_rows_never_on_the_validation_rows():
    schema, X, y = churn_features()
    candidate = _Recording(ModelContext(task="binary", schema=schema, seed=0))
    X_train, y_train, X_val = X.iloc[:200], y.iloc[:200], X.iloc[200:]
    # Validation rows whose labels are all flipped: stopping on them would end at the first rounds.
    flipped = y.iloc[200:].map({"yes": "no", "no": "yes"})
    fitted = candidate.fit(X_train, y_train, X_val, flipped)
    preprocess = fitted.named_steps["preprocess"]
    train_rows = {tuple(row) for row in np.nan_to_num(preprocess.transform(X_train), nan=-9e9)}
    stop_rows = [tuple(row) for row in np.nan_to_num(candidate.stop_rows, nan=-9e9)]
    assert len(stop_rows) == 30 and all(row in train_rows for row in stop_rows)
    again = candidate.fit(X_train, y_train, X_val, y.iloc[200:])
    model = fitted.named_steps["model"]
    assert 1 <= model.tree_count_ < model.iterations  # stopped early, on its own rows
    assert model.tree_count_ == again.named_steps["model"].tree_count_
    np.testing.assert_array_equal(fitted.predict_proba(X_val), again.predict_proba(X_val))
    # The refit grows exactly that many trees on all the rows it is given, without stopping.
    final = candidate.refit(fitted, X.iloc[:260], y.iloc[:260]).named_steps["model"]
    assert final.iterations == model.tree_count_ == final.tree_count_
    assert candidate.stop_rows is None
    assert candidate.params(fitted)["iterations_"] == model.tree_count_


def test_categories_are_native_missing_values_pass_and_threads_follow_the_row_count():
    schema, X, y = churn_features()
    X = X.copy()
    X.loc[X.index[:20], "plan"] = np.nan
    candidate = CatBoost(ModelContext(task="binary", schema=schema, seed=0, n_jobs=2))
    fitted = candidate.fit(X, y)
    model = fitted.named_steps["model"]
    names = list(fitted.named_steps["preprocess"].get_feature_names_out())
    assert model.thread_count == 1  # 300 rows: one thread (see threads_for)
    assert model.booster_.get_params()["thread_count"] == 1
    assert model.booster_.get_cat_feature_indices() == [names.index("plan")]
    proba = fitted.predict_proba(X.iloc[:20])
    assert proba.shape == (20, 2) and np.isfinite(proba).all()
    assert list(fitted.classes_) == ["no", "yes"]


def test_class_weights_reach_catboost_and_smote_falls_back_to_them():
    schema, X, y = churn_features()
    candidate = CatBoost(ModelContext(task="binary", schema=schema, seed=0, imbalance="smote"))
    pipeline = candidate.pipeline()
    assert "resample" not in pipeline.named_steps
    assert pipeline.named_steps["model"].class_weight == "balanced"
    fitted = candidate.fit(X, y)
    assert fitted.named_steps["model"].booster_.get_params()["auto_class_weights"] == "Balanced"


def test_a_fitted_pipeline_saves_as_cbm_bytes_and_reloads_predicting_the_same(tmp_path):
    schema, X, y = churn_features("multiclass")
    fitted = CatBoost(ModelContext(task="multiclass", schema=schema, seed=0)).fit(X, y)
    save_model(fitted, tmp_path / "model.skops")
    named = set(sio.get_untrusted_types(file=tmp_path / "model.skops"))
    assert not any(t.startswith("catboost.") for t in named)  # no CatBoost object is stored
    assert {t for t in named if t.startswith("trainguard.")} <= TRUSTED_TYPES
    reloaded = load_model(tmp_path / "model.skops")
    np.testing.assert_array_equal(reloaded.predict_proba(X), fitted.predict_proba(X))
    assert reloaded.named_steps["model"].tree_count_ == fitted.named_steps["model"].tree_count_


def test_trained_regression_run_reloads_beats_the_baseline_and_export_names_the_family(tmp_path):
    pytest.importorskip("skl2onnx")
    from trainguard.export import export_onnx

    frame = make_table("regression", n=300).drop(columns="signup")  # ONNX takes no dates
    run = trainguard.train(frame, "churned", models=["catboost"], out=tmp_path / "run",
                           drop=["customer_id"], trials=1, cv=0, track=False, bootstrap_resamples=50)
    new = frame.drop(columns="churned")
    reloaded = trainguard.load_run(run.path)
    np.testing.assert_array_equal(reloaded.predict(new), run.predict(new))
    test = run.metrics["test"]
    assert test["model"]["metrics"]["rmse"] < test["baseline"]["metrics"]["rmse"]
    with pytest.raises(ConfigError, match="'catboost'.*cannot be exported to ONNX"):
        export_onnx(run, data=frame)


def test_cli_trains_catboost_alone_on_the_bundled_penguins_and_predicts(tmp_path):
    data = dataset_path("penguins")

    def trainguard_cli(*args):
        result = subprocess.run([sys.executable, "-m", "trainguard", *map(str, args)], cwd=tmp_path,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    out = trainguard_cli("train", data, "--target", "species", "--models", "catboost", "--trials", "1",
                         "--cv", "0", "--no-track")
    assert "catboost" in out and "Test f1_macro" in out
    assert not (tmp_path / "catboost_info").exists()  # allow_writing_files=False
    [run] = list((tmp_path / "runs").iterdir())
    in_process("predict", run, data, "-o", "preds.csv", cwd=tmp_path)  # catboost is imported here already
    truth = pd.read_csv(data)["species"].to_numpy()
    assert (pd.read_csv(tmp_path / "preds.csv")["prediction"].to_numpy() == truth).mean() > 0.9
