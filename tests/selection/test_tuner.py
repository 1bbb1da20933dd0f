"""The search on training rows only: the test-row guard, seeding, folds, imbalance, thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

import trainguard
from datagen import make_table
from recording import SEEN, Recording
from trainguard.data.schema import coerce_features, infer_schema
from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import get_metric
from trainguard.models import ModelContext, resolve_candidates
from trainguard.models.base import _REGISTRY, register
from trainguard.selection.folds import make_folds
from trainguard.selection.select import search_candidates
from trainguard.selection.tuner import SearchData, SearchSettings, TestRowsInSearchError


@pytest.fixture
def recording():
    register(Recording)
    SEEN.clear()
    yield
    _REGISTRY.pop("recording", None)


def test_no_test_row_is_fit_on_or_shown_during_the_search(tmp_path, recording):
    frame = make_table("binary", n=300)
    run = trainguard.train(frame, "churned", models=["recording"], cv=3, trials=3, out=tmp_path / "r")
    split = pd.read_csv(run.path / "split.csv")
    test = split.loc[split.part == "test", "row"].to_numpy()
    fits = [i for i, (kind, _) in enumerate(SEEN) if kind == "fit"]
    # At least the first trial's 3 folds, the fit on train and the refit (pruning may cut the rest).
    assert len(fits) >= 3 + 2
    for kind, rows in SEEN:
        if kind == "fit":
            assert not np.isin(rows, test).any(), "a fit saw test rows"
    showing_test = [i for i, (kind, rows) in enumerate(SEEN) if np.isin(rows, test).any()]
    # Test rows reach the pipeline only after the last fit (the final refit): the sealed evaluation.
    assert showing_test and min(showing_test) > max(fits)
    board = run.leaderboard.set_index("model")
    assert board.loc["recording", "n_trials"] == 3 and board.loc["recording", "selected"]


def test_search_data_refuses_frames_holding_test_rows():
    frame = make_table("binary", n=60)
    schema = infer_schema(frame, target="churned")
    X, y = coerce_features(frame, schema), frame.churned
    with pytest.raises(TestRowsInSearchError):
        SearchData(X.iloc[:40], y.iloc[:40], X.iloc[40:], y.iloc[40:], folds=None,
                   test_rows=np.array([5, 50]))


def _board(sampler, seed, n_trials=4, spaces=None):
    frame = make_table("binary", n=200)
    schema = infer_schema(frame, target="churned")
    X, y = coerce_features(frame, schema), frame.churned
    context = ModelContext(task="binary", schema=schema, seed=seed)
    candidates = [cls(context) for cls in resolve_candidates(["linear"])]
    folds = make_folds(3, classification=True, y=y.iloc[:150], seed=seed)
    data = SearchData(X.iloc[:150], y.iloc[:150], X.iloc[150:], y.iloc[150:], folds=folds,
                      classes=np.array(["no", "yes"]))
    settings = SearchSettings(sampler=sampler, n_trials=n_trials, seed=seed, spaces=spaces or {})
    return search_candidates(candidates, get_metric("roc_auc", "binary"), data, settings).to_frame()


def test_a_fixed_seed_gives_the_same_leaderboard_and_another_seed_other_trials():
    columns = ["model", "cv_roc_auc_mean", "cv_roc_auc_std", "val_roc_auc", "n_trials", "params"]
    first, again = _board("bayes", 1)[columns], _board("bayes", 1)[columns]
    pd.testing.assert_frame_equal(first, again)
    assert set(first.n_trials) == {1, 4}  # the baseline has nothing to tune
    other = _board("random", 2)[columns]
    assert not first.params.equals(other.params)


def test_grid_search_tries_the_grid_and_stops_there():
    from trainguard.selection.spaces import parse_space

    board = _board("grid", 0, n_trials=100).set_index("model")
    assert board.loc["linear", "n_trials"] == 5  # the documented 5-point grid of C
    space = {"linear": parse_space({"C": [0.1, 1.0], "fit_intercept": [True, False]}, "t")}
    board = _board("grid", 0, n_trials=100, spaces=space).set_index("model")
    assert board.loc["linear", "n_trials"] == 4
    assert _board("grid", 0, n_trials=3, spaces=space).set_index("model").loc["linear", "n_trials"] == 3


def test_group_folds_keep_groups_apart_and_time_folds_train_on_the_past():
    rng = np.random.default_rng(0)
    y = pd.Series(rng.choice(["a", "b"], 120))
    groups = pd.Series(rng.integers(0, 20, 120))
    for train, held in make_folds(4, classification=True, y=y, groups=groups, seed=0):
        assert not set(groups.iloc[train]) & set(groups.iloc[held])
    times = pd.Series(rng.permutation(120))
    for train, held in make_folds(3, classification=False, y=y, times=times):
        assert times.iloc[train].max() < times.iloc[held].min()
    with pytest.raises(ConfigError, match="--cv"):
        make_folds(5, classification=True, y=pd.Series(["a"] * 50 + ["b"] * 3))


def test_imbalance_resamples_inside_folds_and_tunes_the_threshold_for_f1(tmp_path):
    frame = make_table("binary", n=400, seed=1)
    # A minority class of about 15%, related to the plan but not given away by any column.
    rng = np.random.default_rng(1)
    frame["churned"] = np.where(rng.random(400) < 0.08 + 0.2 * (frame.plan == "basic"), "yes", "no")
    run = trainguard.train(frame, "churned", models=["linear"], metric="f1", imbalance="smote",
                           cv=3, trials=2, out=tmp_path / "r")
    row = run.leaderboard.set_index("model").loc["linear"]
    assert '"resample": "SMOTE"' in row.params
    assert 0.05 <= row.threshold <= 0.95
    loaded = trainguard.load_run(run.path)  # the threshold wrapper and the sampler load via skops
    assert type(loaded.model).__name__ in {"FixedThresholdClassifier", "Pipeline"}
    assert len(loaded.predict(frame.drop(columns="churned").head(5))) == 5


def test_imbalance_options_are_for_classification_only(tmp_path):
    with pytest.raises(ConfigError, match="--imbalance smote is for classification"):
        trainguard.train(make_table("regression", n=100), "churned", models=["linear"],
                         imbalance="smote", out=tmp_path / "r")
    with pytest.raises(ConfigError, match="--imbalance"):
        trainguard.train(make_table("binary", n=100), "churned", imbalance="oversample",
                         out=tmp_path / "s")


def test_python_api_searches_a_users_pipeline():
    from sklearn.datasets import make_classification
    from sklearn.preprocessing import StandardScaler

    X, y = make_classification(200, n_features=6, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())])
    space = {"model__C": {"type": "float", "low": 1e-3, "high": 10, "log": True}}
    result = trainguard.search(pipe, space, X, y, cv=3, n_trials=5, sampler="random", seed=3)
    again = trainguard.search(pipe, space, X, y, cv=3, n_trials=5, sampler="random", seed=3)
    assert result.best_params_ == again.best_params_
    assert len(result.trials_) == 5 and result.trials_.params_model__C.iloc[0] == 1.0  # defaults first
    assert result.best_estimator_.named_steps["model"].C == result.best_params_["model__C"]
    assert result.best_estimator_.predict(X).shape == (200,)
    with pytest.raises(ConfigError, match="no parameter 'C'"):
        trainguard.search(pipe, {"C": [1.0]}, X, y)


def test_the_network_reports_every_epoch_and_stops_when_pruned():
    import optuna

    from trainguard.selection.tuner import cross_validate

    frame = make_table("binary", n=120)
    schema = infer_schema(frame, target="churned")
    X, y = coerce_features(frame, schema), frame.churned
    mlp_class = resolve_candidates(["mlp"])[-1]
    mlp = mlp_class(ModelContext(task="binary", schema=schema, seed=0)).with_params({"max_epochs": 4})
    folds = make_folds(2, classification=True, y=y, seed=0)
    data = SearchData(X, y, None, None, folds=folds, classes=np.array(["no", "yes"]))
    reports = []
    cross_validate(mlp, data, get_metric("roc_auc", "binary"),
                   lambda step, value: reports.append((step, value)))
    # Fold k reports epoch e at step k * 10000 + e, as -validation loss (higher is better).
    assert [step for step, _ in reports] == [0, 1, 2, 3, 10_000, 10_001, 10_002, 10_003]
    assert all(value < 0 for _, value in reports)

    def prune_at_epoch_two(step, value):
        reports.append((step, value))
        if step == 1:
            raise optuna.TrialPruned()

    reports.clear()
    with pytest.raises(optuna.TrialPruned):
        cross_validate(mlp, data, get_metric("roc_auc", "binary"), prune_at_epoch_two)
    assert [step for step, _ in reports] == [0, 1]  # training stopped; the next fold never ran


def test_first_trials_are_the_defaults_then_the_portfolio_cut_to_the_space():
    from trainguard.selection.spaces import parse_space
    from trainguard.selection.tuner import first_trials

    space = parse_space({"a": {"type": "float", "low": 0.0, "high": 1.0}, "b": ["x", "y"]}, "t")
    portfolio = [{"a": 0.5, "b": "y"}, {"a": 0.0}, {"a": 2.0, "b": "x"}, {"c": 1}, {"a": 0.5, "b": "y"}]
    assert first_trials({"a": 0.0, "b": "x"}, portfolio, space) == [
        {"a": 0.0, "b": "x"},  # the defaults first
        {"a": 0.5, "b": "y"},
        # {"a": 0.0} is the defaults again; a=2.0 is outside the space, so the defaults fill it
        # and it is the defaults again too; "c" is not searched; a repeated entry is tried once.
    ]
    assert first_trials({"a": 0.0, "b": "x"}, [{"b": "y"}], space)[1] == {"a": 0.0, "b": "y"}


def test_a_study_tries_the_defaults_then_the_familys_portfolio_before_its_own_draws():
    from trainguard.models.lgbm import LightGBM
    from trainguard.selection.tuner import CandidateStudy, default_params

    frame = make_table("binary", n=200)
    schema = infer_schema(frame, target="churned")
    X, y = coerce_features(frame, schema), frame.churned
    candidate = LightGBM(ModelContext(task="binary", schema=schema, seed=0))
    data = SearchData(X.iloc[:150], y.iloc[:150], X.iloc[150:], y.iloc[150:], folds=None,
                      classes=np.array(["no", "yes"]))
    settings = SearchSettings(n_trials=5, seed=0)
    study = CandidateStudy(candidate, data, get_metric("roc_auc", "binary"), settings,
                           deadline=None, protect_first=True, final_fits=1)
    study.run()
    tried = [t.params for t in sorted(study.study.trials, key=lambda t: t.number)]
    assert len(tried) == 5
    assert tried[0] == default_params(candidate, study.space)
    for params, entry in zip(tried[1:4], LightGBM.portfolio("binary"), strict=True):
        assert params == {**tried[0], **entry}  # the defaults fill what an entry leaves out
    assert tried[4] not in tried[:4]  # then the sampler's own draw
