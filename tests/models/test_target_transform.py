"""The searched target transform of regression: offered as designed, fitted and scored on the
original scale, early-stopped on transformed inner rows, saved and refused by ONNX export."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

import trainguard
from deadlines import AfterChecks
from trainguard.data.schema import coerce_features, infer_schema
from trainguard.errors import ConfigError
from trainguard.models import ModelContext, available_candidates
from trainguard.models.base import fitted_model
from trainguard.models.lgbm import LightGBM
from trainguard.models.target_transform import TargetShape
from trainguard.selection.spaces import Dist
from trainguard.selection.tuner import SearchSettings, candidate_space, default_params


def _skewed(n=300, seed=0):
    """A cost-like target: log-normal in two features and a category."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "age": rng.uniform(18, 80, n),
        "visits": rng.poisson(3, n).astype(float),
        "plan": rng.choice(["basic", "plus", "premium"], n),
    })
    log_cost = 5 + 0.03 * frame["age"] + 0.2 * frame["visits"] + frame["plan"].map(
        {"basic": 0.0, "plus": 0.5, "premium": 1.0}) + rng.normal(0, 0.3, n)
    frame["cost"] = np.exp(log_cost)
    return frame


def _context(frame, shape=None, task="regression"):
    schema = infer_schema(frame, target="cost")
    return ModelContext(task=task, schema=schema, seed=0, target_shape=shape), coerce_features(frame, schema)


def test_the_shape_of_the_training_target_decides_what_is_offered_and_tried_first():
    rng = np.random.default_rng(0)
    skewed = TargetShape.of(np.exp(rng.normal(0, 1, 500)))
    assert skewed == TargetShape(nonnegative=True, skewed=True)
    assert skewed.choices() == ["none", "log1p", "yeo-johnson"] and skewed.default() == "log1p"
    symmetric = TargetShape.of(rng.normal(10, 1, 500))
    assert symmetric == TargetShape(nonnegative=True, skewed=False) and symmetric.default() == "none"
    negative_skewed = TargetShape.of(np.exp(rng.normal(0, 1, 500)) - 3)
    assert negative_skewed.choices() == ["none", "yeo-johnson"]  # no log of a negative value
    assert negative_skewed.default() == "yeo-johnson"
    assert TargetShape.of([2.0, 2.0, 2.0]).default() == "none"


def test_regression_families_search_it_and_the_first_trial_follows_the_skew():
    frame = _skewed()
    shape = TargetShape.of(frame["cost"])
    context, _ = _context(frame, shape)
    searched = {name for name, cls in available_candidates().items() if cls(context).target_transforms()}
    assert {"linear", "lightgbm", "extra_trees", "random_forest"} <= searched
    assert not searched & {"baseline", "mlp"}
    candidate = LightGBM(context)
    space = candidate_space(candidate, SearchSettings())
    assert space["target_transform"].choices == ("none", "log1p", "yeo-johnson")
    assert default_params(candidate, space)["target_transform"] == "log1p"
    # A --space file's choices are kept to what this target allows.
    negative = LightGBM(_context(frame, TargetShape(nonnegative=False, skewed=True))[0])
    user = SearchSettings(spaces={"lightgbm": {"target_transform": Dist("categorical", choices=("log1p",))}})
    assert candidate_space(negative, user)["target_transform"].choices == ("none",)
    # Classification and an unskewed target: nothing, and no transform first.
    classifier = LightGBM(_context(frame, None, "binary")[0])
    assert "target_transform" not in candidate_space(classifier, SearchSettings())
    unskewed = LightGBM(_context(frame, TargetShape(nonnegative=True, skewed=False))[0])
    assert default_params(unskewed, candidate_space(unskewed, SearchSettings()))["target_transform"] == "none"


def test_predictions_are_on_the_original_scale():
    frame = _skewed()
    context, X = _context(frame, TargetShape.of(frame["cost"]))
    y = frame["cost"]
    linear = available_candidates()["linear"](context)
    plain = linear.with_params({"target_transform": "none"}).fit(X.iloc[:200], y.iloc[:200])
    logged = linear.with_params({"target_transform": "log1p"}).fit(X.iloc[:200], y.iloc[:200])
    inner = fitted_model(logged)
    on_log_scale = inner.predict(logged.named_steps["preprocess"].transform(X.iloc[200:]))
    np.testing.assert_allclose(logged.predict(X.iloc[200:]), np.expm1(on_log_scale))
    # The model itself learnt log(cost): its coefficients are those of the generating formula.
    assert np.median(on_log_scale) == pytest.approx(np.median(np.log1p(y.iloc[200:])), rel=0.05)
    rmse = {name: float(np.sqrt(np.mean((m.predict(X.iloc[200:]) - y.iloc[200:]) ** 2)))
            for name, m in (("none", plain), ("log1p", logged))}
    assert rmse["log1p"] < rmse["none"]  # a log-linear target: the log fits it, on its own scale


class _Recording(LightGBM):
    def _fit_model(self, model, Xt, y, Xv, y_val, epoch_callbacks=()):
        self.fit_target, self.stop_target = y, y_val
        super()._fit_model(model, Xt, y, Xv, y_val, epoch_callbacks)


def test_early_stopping_sees_the_transformed_inner_rows_and_the_refit_keeps_the_transform():
    frame = _skewed()
    context, X = _context(frame, TargetShape.of(frame["cost"]))
    y = frame["cost"]
    candidate = _Recording(context).with_params({"target_transform": "log1p"})
    flipped_val = y.iloc[200:] * 1000  # stopping on the validation rows would end at once
    fitted = candidate.fit(X.iloc[:200], y.iloc[:200], X.iloc[200:], flipped_val)
    train_logs = set(np.round(np.log1p(y.iloc[:200]), 9))
    assert len(candidate.stop_target) == 30
    assert set(np.round(candidate.stop_target, 9)) <= train_logs
    assert set(np.round(candidate.fit_target, 9)) <= train_logs
    rounds = fitted_model(fitted).best_iteration_
    assert 1 <= rounds < fitted_model(fitted).n_estimators
    assert candidate.params(fitted)["target_transform"] == "log1p"
    final = candidate.refit(fitted, X.iloc[:260], y.iloc[:260])
    assert candidate.stop_target is None
    assert fitted_model(final).n_estimators == rounds
    np.testing.assert_allclose(final.predict(X.iloc[260:]),
                               np.expm1(fitted_model(final).predict(final.named_steps["preprocess"]
                                                                    .transform(X.iloc[260:]))))


def test_a_trained_run_with_a_transform_reloads_identically_and_exports_to_onnx(tmp_path):
    pytest.importorskip("skl2onnx")
    from trainguard.export import export_onnx, onnx_feed, onnx_session

    frame = _skewed(400)
    run = trainguard.train(frame, "cost", models=["linear"], out=tmp_path / "run", trials=2, cv=0,
                           track=False, bootstrap_resamples=50)
    assert run.manifest["model"]["params"]["target_transform"] == "log1p"
    new = frame.drop(columns="cost")
    reloaded = trainguard.load_run(run.path)
    np.testing.assert_array_equal(reloaded.predict(new), run.predict(new))
    test = run.metrics["test"]
    assert test["model"]["metrics"]["rmse"] < test["baseline"]["metrics"]["rmse"]
    assert test["model"]["metrics"]["r2"] > 0.5  # R2 on costs, not on log costs
    export_onnx(run, tmp_path / "cost.onnx", data=frame)  # checks parity on the test rows itself
    session = onnx_session(tmp_path / "cost.onnx")
    (got,) = session.run(None, onnx_feed(run.prepare(new), run.schema))
    np.testing.assert_allclose(got.ravel(), run.predict(new), rtol=1e-12, atol=0)  # costs, not log costs


def test_a_space_file_may_pin_the_transform_for_regression_only(tmp_path):
    from trainguard.selection.spaces import read_space_file
    from trainguard.selection.stage import check_space_file, documented_spaces

    file = tmp_path / "space.yaml"
    file.write_text("lightgbm: {target_transform: [none]}\n", encoding="utf-8")
    check_space_file(str(file))
    pinned = read_space_file(file, documented_spaces("regression"))["lightgbm"]
    assert pinned["target_transform"].choices == ("none",)
    with pytest.raises(ConfigError, match="no searchable parameter 'target_transform'"):
        read_space_file(file, documented_spaces("binary"))
    frame = _skewed()
    candidate = LightGBM(_context(frame, TargetShape.of(frame["cost"]))[0])
    space = candidate_space(candidate, SearchSettings(spaces={"lightgbm": pinned}))
    assert space["target_transform"].choices == ("none",)


@pytest.mark.parametrize("transform", ["log1p", "yeo-johnson"])
def test_a_forest_grown_to_a_deadline_inside_a_target_transform_is_the_one_fit_forest(transform):
    import time

    from trainguard.models.base import fitted_model
    from trainguard.models.candidates import RandomForest
    from trainguard.selection.budget import TrialLimit

    frame = _skewed()
    context, X = _context(frame, TargetShape.of(frame["cost"]))
    forest = RandomForest(context).with_params({"target_transform": transform, "n_estimators": 40})
    whole = forest.fit(X, frame["cost"])
    stepped = forest.fit(X, frame["cost"], limit=TrialLimit(time.monotonic() + 600))
    assert fitted_model(stepped).n_estimators == 40 and forest.grown_length(stepped) == {}
    np.testing.assert_allclose(stepped.predict(X), whole.predict(X), rtol=1e-12)
    cut = forest.fit(X, frame["cost"], limit=TrialLimit(time.monotonic() - 1, protected=True))
    assert forest.grown_length(cut) == {"n_estimators": 1} and len(fitted_model(cut).estimators_) == 1
    replayed = forest.with_params({**forest.hyperparams, **forest.grown_length(cut)}).fit(X, frame["cost"])
    np.testing.assert_allclose(replayed.predict(X), cut.predict(X), rtol=1e-12)


@pytest.mark.parametrize("family", ["lightgbm", pytest.param("xgboost", marks=pytest.mark.skipif(
    importlib.util.find_spec("xgboost") is None, reason="an extra: trainguard[xgboost]"))])
def test_a_boosting_fit_cut_by_its_deadline_inside_a_target_transform_records_the_rounds_it_grew(family):
    frame = _skewed()
    context, X = _context(frame, TargetShape.of(frame["cost"]))
    candidate = available_candidates()[family](context).with_params({"target_transform": "log1p"})
    cut = candidate.fit(X, frame["cost"], limit=AfterChecks(6))
    grown = candidate.grown_length(cut)
    assert grown == {"n_estimators": 7}  # the replay record, as without a transform
    replayed = candidate.with_params({**candidate.hyperparams, **grown}).fit(X, frame["cost"])
    np.testing.assert_allclose(replayed.predict(X), cut.predict(X), rtol=1e-12)
