"""The LightGBM candidate: native categories, early stopping on inner rows only, threads, saved runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

import trainguard
from datagen import churn_features, make_table
from deadlines import AfterChecks
from trainguard.models import ModelContext, resolve_candidates
from trainguard.models.base import INNER_VALIDATION_MIN_ROWS, inner_split
from trainguard.models.lgbm import LightGBM, rounds
from trainguard.models.persist import TRUSTED_TYPES


def test_lightgbm_and_extra_trees_are_default_families_ranked_before_the_slower_ones():
    names = [c.name for c in resolve_candidates(None)]
    assert "lightgbm" in names and "extra_trees" in names
    assert names.index("lightgbm") < names.index("extra_trees") < names.index("random_forest")


def test_inner_split_holds_out_part_of_the_given_rows_stratified_and_refuses_tiny_data():
    y = pd.Series(["a"] * 90 + ["b"] * 10)
    fit_rows, stop_rows = inner_split(y, "binary", seed=0)
    assert len(np.intersect1d(fit_rows, stop_rows)) == 0 and len(fit_rows) + len(stop_rows) == 100
    assert len(stop_rows) == 15 and (y.iloc[stop_rows] == "b").sum() in (1, 2)
    again = inner_split(y, "binary", seed=0)
    assert again is not None and np.array_equal(again[1], stop_rows)
    assert inner_split(y.iloc[: INNER_VALIDATION_MIN_ROWS - 1], "binary", seed=0) is None


def test_rounds_stop_early_on_inner_rows_never_on_the_validation_rows():
    import warnings

    schema, X, y = churn_features()
    candidate = LightGBM(ModelContext(task="binary", schema=schema, seed=0))
    X_train, y_train, X_val = X.iloc[:200], y.iloc[:200], X.iloc[200:]
    # Validation rows whose labels are all flipped: stopping on them would end at the first rounds.
    flipped = y.iloc[200:].map({"yes": "no", "no": "yes"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecation (nor any other) warning on an early-stopped fit
        fitted = candidate.fit(X_train, y_train, X_val, flipped)
    again = candidate.fit(X_train, y_train, X_val, y.iloc[200:])
    model = fitted.named_steps["model"]
    assert 1 <= model.best_iteration_ < model.n_estimators  # stopped early, on its own rows
    assert model.best_iteration_ == again.named_steps["model"].best_iteration_
    assert model._n_features == fitted.named_steps["preprocess"].transform(X_val).shape[1]
    # The refit trains exactly that many rounds on all the rows it is given, without stopping.
    final = candidate.refit(fitted, X.iloc[:260], y.iloc[:260]).named_steps["model"]
    assert final.n_estimators == rounds(model) == final.n_estimators_
    assert candidate.params(fitted)["n_estimators_"] == rounds(model)


@pytest.mark.parametrize("labels", [["yes", "no", "maybe"], [7, 3, 5]])
def test_early_stopping_uses_lightgbms_current_api_without_its_deprecation_warning(labels):
    import warnings

    import lightgbm as lgb

    from trainguard.models.lgbm import stopping_rows

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = np.array(labels)[np.digitize(X[:, 0] + 0.5 * rng.normal(size=300), [-0.4, 0.4])]
    X_val, y_val = X[200:], y[200:]
    def fit(**stop):
        model = lgb.LGBMClassifier(n_estimators=200, verbose=-1, random_state=0)
        return model.fit(X[:200], y[:200], callbacks=[lgb.early_stopping(5, verbose=False)], **stop)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # LightGBM 4.7: "The argument 'eval_set' is deprecated"
        current = fit(**stopping_rows(lgb.LGBMClassifier(), X_val, y[:200], y_val))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        deprecated = fit(eval_set=[(X_val, y_val)])  # LightGBM encodes these labels itself
    # The stopping rows are scored on the classes' own indices (lightgbm-org/LightGBM#7400).
    assert current.best_iteration_ == deprecated.best_iteration_ < 200
    assert current.best_score_ == deprecated.best_score_
    # A class only the stopping rows hold has no index: those rows are left out, not misread.
    kept = stopping_rows(lgb.LGBMClassifier(), X_val, np.array(labels[:2]), y_val)
    assert set(kept["eval_y"]) <= {0, 1} and len(kept["eval_y"]) == np.isin(y_val, labels[:2]).sum()


def test_categories_are_split_natively_and_threads_follow_the_row_count():
    schema, X, y = churn_features()
    candidate = LightGBM(ModelContext(task="binary", schema=schema, seed=0, n_jobs=2))
    fitted = candidate.fit(X, y)
    model = fitted.named_steps["model"]
    names = list(fitted.named_steps["preprocess"].get_feature_names_out())
    assert model.n_jobs == 1  # 300 rows: one thread (see threads_for)
    assert model.booster_.params["categorical_column"] == [names.index("plan")]
    # LightGBM lists a categorical feature's category codes; a numeric one only by its range.
    infos = model.booster_.dump_model()["feature_infos"]
    assert infos[f"Column_{names.index('plan')}"]["values"]
    assert not infos[f"Column_{names.index('tenure')}"]["values"]


def test_class_weights_reach_lightgbm_and_smote_falls_back_to_them():
    schema, _, _ = churn_features()
    candidate = LightGBM(ModelContext(task="binary", schema=schema, seed=0, imbalance="smote"))
    pipeline = candidate.pipeline()
    assert "resample" not in pipeline.named_steps
    assert pipeline.named_steps["model"].class_weight == "balanced"


@pytest.mark.parametrize("task", ["multiclass", "regression"])
def test_trained_run_reloads_with_trusted_types_and_beats_the_baseline(tmp_path, task):
    frame = make_table(task, n=300)
    run = trainguard.train(
        frame,
        "churned",
        models=["lightgbm", "extra_trees"],
        out=tmp_path / task,
        drop=["customer_id"],
        trials=2,
    )
    assert set(run.leaderboard["model"]) >= {"baseline", "lightgbm", "extra_trees"}
    named = set(sio.get_untrusted_types(file=run.path / "model.skops"))
    assert {t for t in named if t.startswith(("trainguard.", "lightgbm."))} <= TRUSTED_TYPES
    new = frame.drop(columns="churned")
    reloaded = trainguard.load_run(run.path)
    np.testing.assert_array_equal(reloaded.predict(new), run.predict(new))
    metric = run.metric
    model = run.metrics["test"]["model"]["metrics"][metric]
    baseline = run.metrics["test"]["baseline"]["metrics"][metric]
    assert (model < baseline) if metric == "rmse" else (model > baseline)


def test_scikit_learns_boosting_also_stops_on_inner_rows_not_on_the_validation_rows():
    from trainguard.models.candidates import GradientBoosting

    schema, X, y = churn_features()
    candidate = GradientBoosting(ModelContext(task="binary", schema=schema, seed=0))
    flipped = y.iloc[200:].map({"yes": "no", "no": "yes"})
    fitted = candidate.fit(X.iloc[:200], y.iloc[:200], X.iloc[200:], flipped)
    again = candidate.fit(X.iloc[:200], y.iloc[:200], X.iloc[200:], y.iloc[200:])
    assert fitted.named_steps["model"].n_iter_ == again.named_steps["model"].n_iter_
    assert fitted.named_steps["model"].n_iter_ < fitted.named_steps["model"].max_iter


def test_a_fit_past_its_deadline_stops_growing_and_replays_from_the_rounds_it_grew():
    import time

    from trainguard.selection.budget import TrialLimit

    schema, X, y = churn_features()
    candidate = LightGBM(ModelContext(task="binary", schema=schema, seed=0))
    cut = candidate.fit(X, y, limit=AfterChecks(6))
    grown = candidate.grown_length(cut)
    assert grown == {"n_estimators": 7}  # seven rounds, then the clock: still a model
    assert cut.named_steps["model"].best_iteration_ <= 7
    # Without a clock, a fit of exactly those rounds is the same model.
    replayed = candidate.with_params(grown).fit(X, y)
    assert candidate.grown_length(replayed) == {}
    assert np.array_equal(replayed.predict_proba(X), cut.predict_proba(X))
    whole = candidate.fit(X, y, limit=TrialLimit(time.monotonic() + 600))
    assert candidate.grown_length(whole) == {} and rounds(whole.named_steps["model"]) > 1
