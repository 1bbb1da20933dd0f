"""Inner hold-outs that follow the run's split (--time, --group), and forests and boosting grown to a
deadline."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from datagen import make_table
from deadlines import AfterChecks
from trainguard.data.schema import coerce_features, infer_schema
from trainguard.models import ModelContext
from trainguard.models.base import RowKeys, inner_split, units_that_fit
from trainguard.models.candidates import BOOSTING_STEP_ROUNDS, ExtraTrees, GradientBoosting, RandomForest
from trainguard.selection.budget import TrialLimit


def test_inner_rows_of_a_time_split_are_the_latest_rows_of_the_fit():
    # Row labels 100..299 in shuffled order, with times that are not the label order either.
    rng = np.random.default_rng(0)
    labels = rng.permutation(np.arange(100, 300))
    times = pd.Series(pd.date_range("2024-01-01", periods=200, freq="h")[rng.permutation(200)],
                      index=labels)
    y = pd.Series(rng.integers(0, 2, 200), index=labels)
    fit_rows, stop_rows = inner_split(y, "binary", seed=0, keys=RowKeys("time", times))
    assert len(stop_rows) == 30 and len(np.intersect1d(fit_rows, stop_rows)) == 0
    stop_times, fit_times = times.loc[y.index[stop_rows]], times.loc[y.index[fit_rows]]
    assert stop_times.min() > fit_times.max()  # only the future is held out


def test_inner_rows_of_a_grouped_split_are_whole_groups():
    rng = np.random.default_rng(1)
    groups = pd.Series(rng.integers(0, 25, 300), index=np.arange(300) * 3)
    y = pd.Series(rng.integers(0, 2, 300), index=groups.index)
    fit_rows, stop_rows = inner_split(y, "binary", seed=0, keys=RowKeys("group", groups))
    fit_groups, stop_groups = set(groups.iloc[fit_rows]), set(groups.iloc[stop_rows])
    assert stop_groups and fit_groups and not fit_groups & stop_groups
    assert 0.05 < len(stop_rows) / 300 < 0.3
    one_group = RowKeys("group", pd.Series(0, index=groups.index))
    assert inner_split(y, "binary", seed=0, keys=one_group) is None


def _forest(cls=RandomForest, n=400):
    frame = make_table("binary", n=n)
    schema = infer_schema(frame, target="churned", drop=["customer_id"])
    X, y = coerce_features(frame, schema), frame["churned"]
    return cls(ModelContext(task="binary", schema=schema, seed=0)), X, y


@pytest.mark.parametrize("cls", [RandomForest, ExtraTrees])
def test_a_forest_grown_in_steps_without_hitting_its_deadline_is_the_one_fit_forest(cls):
    candidate, X, y = _forest(cls)
    whole = candidate.fit(X, y)
    stepped = candidate.fit(X, y, limit=TrialLimit(time.monotonic() + 600))
    assert stepped.named_steps["model"].n_estimators == 300 and not stepped.named_steps["model"].warm_start
    assert candidate.grown_length(stepped) == {}
    assert np.array_equal(whole.predict_proba(X), stepped.predict_proba(X))


def test_a_forest_past_its_deadline_keeps_the_trees_grown_and_says_how_many():
    candidate, X, y = _forest()
    cut = candidate.fit(X, y, limit=TrialLimit(time.monotonic() - 1, protected=True))
    model = cut.named_steps["model"]
    assert len(model.estimators_) == model.n_estimators == 3  # the first step: still a valid model
    assert candidate.grown_length(cut) == {"n_estimators": 3}
    # Re-fitting with the length it was cut to, without a clock, gives the same forest.
    replayed = candidate.with_params(candidate.grown_length(cut)).fit(X, y)
    assert np.array_equal(replayed.predict_proba(X), cut.predict_proba(X))


class SecondsLeft:
    """A deadline ``seconds`` away that never passes by itself: only the steps' sizes stop growth."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def past_deadline(self) -> bool:
        return False

    def seconds_left(self) -> float:
        return self.seconds


def test_a_forest_starts_no_step_the_time_left_cannot_hold_and_shortens_the_one_that_fits_part():
    candidate, X, y = _forest()
    # No time for a tree after the first step: it stops at the 3 trees measured.
    assert candidate.grown_length(candidate.fit(X, y, limit=SecondsLeft(0.0))) == {"n_estimators": 3}
    # Time for every tree: all grown, the one-fit forest.
    assert candidate.grown_length(candidate.fit(X, y, limit=SecondsLeft(600.0))) == {}


def test_units_that_fit_grows_a_step_only_as_far_as_the_time_left_holds():
    assert units_that_fit(30, seconds_per_unit=0.1, seconds_left=10.0) == 30
    assert units_that_fit(30, seconds_per_unit=0.5, seconds_left=10.0) == 20  # part of a step
    assert units_that_fit(30, seconds_per_unit=0.5, seconds_left=0.4) == 0  # not one tree: stop
    assert units_that_fit(30, seconds_per_unit=0.5, seconds_left=-1.0) == 0
    assert units_that_fit(30, seconds_per_unit=math.inf, seconds_left=1.0) == 30  # unknown cost
    assert units_that_fit(30, seconds_per_unit=0.5, seconds_left=None) == 30  # unknown deadline


def test_histogram_boosting_grows_in_steps_to_its_deadline_and_replays_from_the_rounds_it_grew():
    candidate, X, y = _forest(GradientBoosting, n=300)
    # Slow steps, so early stopping does not end the rounds before the clock does; a short cap
    # that is not a whole number of steps.
    candidate = candidate.with_params({"learning_rate": 0.01, "max_iter": 3 * BOOSTING_STEP_ROUNDS - 7})
    whole = candidate.fit(X, y)
    stepped = candidate.fit(X, y, limit=TrialLimit(time.monotonic() + 600))
    model = stepped.named_steps["model"]
    assert model.n_iter_ == whole.named_steps["model"].n_iter_ > 2 * BOOSTING_STEP_ROUNDS
    assert candidate.grown_length(stepped) == {} and not model.warm_start
    assert np.array_equal(whole.predict_proba(X), stepped.predict_proba(X))

    cut = candidate.fit(X, y, limit=AfterChecks(1))  # one more step after the first, then the clock
    assert candidate.grown_length(cut) == {"max_iter": 2 * BOOSTING_STEP_ROUNDS}
    assert cut.named_steps["model"].n_iter_ == 2 * BOOSTING_STEP_ROUNDS
    # Without a clock, a fit of exactly those rounds is the same model; its refit keeps them.
    replayed = candidate.with_params({**candidate.hyperparams, **candidate.grown_length(cut)}).fit(X, y)
    assert candidate.grown_length(replayed) == {}
    assert np.array_equal(replayed.predict_proba(X), cut.predict_proba(X))
    refit = candidate.refit(cut, X, y)
    assert refit.named_steps["model"].n_iter_ == 2 * BOOSTING_STEP_ROUNDS


def test_histogram_boosting_stopped_early_on_a_step_boundary_grows_no_extra_round(monkeypatch):
    # scikit-learn's warm start grows another round before it checks early stopping again, so a fit
    # whose early stopping fires exactly at the end of a step must not be grown further.
    from trainguard.models import candidates

    candidate, X, y = _forest(GradientBoosting, n=300)
    candidate = candidate.with_params({"learning_rate": 0.3, "max_iter": 300})
    whole = candidate.fit(X, y)
    stop = whole.named_steps["model"].n_iter_
    assert stop < 300  # early stopping ended it
    monkeypatch.setattr(candidates, "BOOSTING_STEP_ROUNDS", stop)
    stepped = candidate.fit(X, y, limit=TrialLimit(time.monotonic() + 600))
    assert stepped.named_steps["model"].n_iter_ == stop
    assert candidate.grown_length(stepped) == {}  # ended by early stopping, not by the clock
    assert np.array_equal(whole.predict_proba(X), stepped.predict_proba(X))
