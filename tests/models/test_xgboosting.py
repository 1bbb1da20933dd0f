"""The XGBoost candidate: native categories, early stopping on inner rows only, threads, deadlines,
saved runs, and the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

import trainguard
from datagen import churn_features, make_table
from deadlines import AfterChecks
from trainguard.datasets import path as dataset_path
from trainguard.errors import ConfigError
from trainguard.models import ModelContext, resolve_candidates, xgboosting
from trainguard.models.persist import TRUSTED_TYPES, load_model, save_model
from trainguard.models.xgboosting import XGBoost

pytest.importorskip("xgboost")  # an extra: trainguard[xgboost]


def test_xgboost_is_chosen_by_name_and_refused_clearly_where_not_installed(monkeypatch):
    assert "xgboost" not in [c.name for c in resolve_candidates(None)]  # opt-in, like catboost
    assert [c.name for c in resolve_candidates(["xgboost"])][1:] == ["xgboost"]
    monkeypatch.setattr(xgboosting, "xgboost_installed", lambda: False)
    with pytest.raises(ConfigError, match="xgboost") as error:
        resolve_candidates(["xgboost"])
    assert "pip install 'trainguard[xgboost]'" in str(error.value)


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_the_untuned_defaults_and_the_portfolio_are_legal_draws_of_the_documented_space(task):
    from trainguard.selection.stage import documented_spaces
    from trainguard.selection.tuner import default_params

    schema, _, _ = churn_features(task)
    space = documented_spaces(task)["xgboost"]
    candidate = XGBoost(ModelContext(task=task, schema=schema, seed=0))
    assert set(default_params(candidate, space)) == set(space)
    assert ("target_transform" in space) == (task == "regression")
    for config in XGBoost.portfolio(task):
        for name, value in config.items():
            assert space[name].low <= value <= space[name].high, (name, value)
    depths = [config["max_depth"] for config in XGBoost.portfolio(task)]
    assert depths == sorted(depths)  # cheapest first


class _Recording(XGBoost):
    """XGBoost that keeps the rows it was handed to stop on."""

    def _fit_model(self, model, Xt, y, Xv, y_val, epoch_callbacks=(), limit=None):
        self.stop_rows = Xv
        super()._fit_model(model, Xt, y, Xv, y_val, epoch_callbacks, limit)


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
    assert 1 <= model.n_rounds_ < model.n_estimators  # stopped early, on its own rows
    assert model.booster_.num_boosted_rounds() == model.n_rounds_  # only the rounds up to the best
    assert model.n_rounds_ == again.named_steps["model"].n_rounds_
    np.testing.assert_array_equal(fitted.predict_proba(X_val), again.predict_proba(X_val))
    # The refit grows exactly that many rounds on all the rows it is given, without stopping.
    final = candidate.refit(fitted, X.iloc[:260], y.iloc[:260]).named_steps["model"]
    assert final.n_estimators == model.n_rounds_ == final.n_rounds_
    assert candidate.stop_rows is None
    assert candidate.params(fitted)["n_estimators_"] == model.n_rounds_


def test_categories_are_native_missing_values_pass_threads_and_class_weights_follow_the_context():
    schema, X, y = churn_features()
    X = X.copy()
    X.loc[X.index[:20], "plan"] = np.nan
    X.loc[X.index[20:40], "tenure"] = np.nan
    candidate = XGBoost(ModelContext(task="binary", schema=schema, seed=0, n_jobs=2, imbalance="smote"))
    assert "resample" not in candidate.pipeline().named_steps  # SMOTE falls back to class weights
    fitted = candidate.fit(X, y)
    model = fitted.named_steps["model"]
    names = list(fitted.named_steps["preprocess"].get_feature_names_out())
    assert model.n_jobs == 1  # 300 rows: one thread (see threads_for)
    assert model.class_weight == "balanced"
    types = model.booster_.feature_types
    assert [i for i, kind in enumerate(types) if kind == "c"] == [names.index("plan")]
    assert '"nthread":"1"' in model.booster_.save_config().replace(" ", "")
    proba = fitted.predict_proba(X.iloc[:40])
    assert proba.shape == (40, 2) and np.isfinite(proba).all()
    assert list(fitted.classes_) == ["no", "yes"]
    # Balanced weights move the scores: the same fit without them predicts otherwise.
    plain = XGBoost(ModelContext(task="binary", schema=schema, seed=0)).fit(X, y)
    assert not np.allclose(plain.predict_proba(X), fitted.predict_proba(X))


def test_a_fit_past_its_deadline_stops_growing_and_replays_from_the_rounds_it_grew():
    import time

    from trainguard.selection.budget import TrialLimit

    schema, X, y = churn_features("regression")
    candidate = XGBoost(ModelContext(task="regression", schema=schema, seed=0))
    cut = candidate.fit(X, y, limit=AfterChecks(6))
    grown = candidate.grown_length(cut)
    assert grown == {"n_estimators": 7}  # seven rounds, then the clock: still a model
    assert cut.named_steps["model"].n_rounds_ <= 7
    # Without a clock, a fit of exactly those rounds is the same model.
    replayed = candidate.with_params(grown).fit(X, y)
    assert candidate.grown_length(replayed) == {}
    np.testing.assert_array_equal(replayed.predict(X), cut.predict(X))
    whole = candidate.fit(X, y, limit=TrialLimit(time.monotonic() + 600))
    assert candidate.grown_length(whole) == {} and whole.named_steps["model"].n_rounds_ > 7


def test_a_fitted_pipeline_saves_as_ubj_bytes_and_reloads_predicting_the_same(tmp_path):
    schema, X, y = churn_features("multiclass")
    fitted = XGBoost(ModelContext(task="multiclass", schema=schema, seed=0)).fit(X, y)
    save_model(fitted, tmp_path / "model.skops")
    named = set(sio.get_untrusted_types(file=tmp_path / "model.skops"))
    assert not any(t.startswith("xgboost.") for t in named)  # no XGBoost object is stored
    assert {t for t in named if t.startswith("trainguard.")} <= TRUSTED_TYPES
    reloaded = load_model(tmp_path / "model.skops")
    np.testing.assert_array_equal(reloaded.predict_proba(X), fitted.predict_proba(X))
    rounds = fitted.named_steps["model"].n_rounds_
    assert reloaded.named_steps["model"].booster_.num_boosted_rounds() == rounds


def test_trained_regression_run_reloads_beats_the_baseline_and_export_names_the_family(tmp_path):
    pytest.importorskip("skl2onnx")
    from trainguard.export import export_onnx

    frame = make_table("regression", n=300).drop(columns="signup")  # ONNX takes no dates
    run = trainguard.train(frame, "churned", models=["xgboost"], out=tmp_path / "run",
                           drop=["customer_id"], trials=2, cv=0, track=False, bootstrap_resamples=50)
    new = frame.drop(columns="churned")
    reloaded = trainguard.load_run(run.path)
    np.testing.assert_array_equal(reloaded.predict(new), run.predict(new))
    test = run.metrics["test"]
    assert test["model"]["metrics"]["rmse"] < test["baseline"]["metrics"]["rmse"]
    with pytest.raises(ConfigError, match="'xgboost'.*cannot be exported to ONNX") as error:
        export_onnx(run, data=frame)
    assert "\n" not in str(error.value).strip()


def test_cli_trains_xgboost_alone_on_the_bundled_penguins_and_predicts(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from trainguard.cli.app import cli

    data = dataset_path("penguins")
    monkeypatch.chdir(tmp_path)

    def trainguard_cli(*args):
        # The click command in this process: the subprocess tests (catboost's, tests/cli) cover
        # the interpreter start; a new one here would only add seconds of imports.
        result = CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    out = trainguard_cli("train", data, "--target", "species", "--models", "xgboost", "--trials", "1",
                         "--cv", "0", "--no-track")
    assert "xgboost" in out and "Test f1_macro" in out
    [run] = list((tmp_path / "runs").iterdir())
    trainguard_cli("predict", run, data, "-o", "preds.csv")
    truth = pd.read_csv(data)["species"].to_numpy()
    assert (pd.read_csv(tmp_path / "preds.csv")["prediction"].to_numpy() == truth).mean() > 0.9
