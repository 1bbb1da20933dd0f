"""--budget: the decisions that keep a run inside it, and runs that keep it."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

import trainguard
from datagen import make_table
from trainguard.data.schema import coerce_features, infer_schema
from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import get_metric
from trainguard.models import ModelContext, resolve_candidates
from trainguard.selection.budget import (
    Budget,
    BudgetSpent,
    TrialLimit,
    abandon_trial,
    bootstrap_seconds,
    chosen_final_stages,
    contention,
    final_stages_seconds,
    next_trial_fits,
    parse_budget,
    run_reserve,
)
from trainguard.selection.folds import make_folds
from trainguard.selection.tuner import SearchData, cross_validate


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("60s", 60), ("5m", 300), ("1h30m", 5400),
                                              ("1.5h", 5400), ("2m30s", 150)])
def test_budget_accepts_durations(text, seconds):
    assert parse_budget(text) == seconds


@pytest.mark.parametrize("text", ["5x", "", "0", "-3", "m"])
def test_budget_refuses_what_it_cannot_read(text):
    with pytest.raises(ConfigError, match="--budget"):
        parse_budget(text)


def test_a_trial_starts_only_when_it_and_the_final_fit_are_expected_to_finish():
    assert next_trial_fits(now=0, deadline=None, trial_seconds=[100], final_fit_seconds=100)
    assert next_trial_fits(now=0, deadline=10, trial_seconds=[], final_fit_seconds=0)  # nothing known
    assert next_trial_fits(now=0, deadline=10, trial_seconds=[3, 4, 20], final_fit_seconds=1)  # median 4
    assert not next_trial_fits(now=0, deadline=10, trial_seconds=[3, 4, 20], final_fit_seconds=7)
    assert not next_trial_fits(now=8, deadline=10, trial_seconds=[3], final_fit_seconds=0)


def test_a_trial_is_abandoned_past_its_deadline_or_when_its_pace_says_it_will_be():
    assert not abandon_trial(now=5, deadline=None, trial_started=0, steps_done=1, steps_total=5)
    assert abandon_trial(now=10, deadline=10, trial_started=0, steps_done=1, steps_total=5)
    # 2 of 5 folds in 4.5 s: 6.75 s more would end at 11.25, past 10 but not 12.
    assert abandon_trial(now=4.5, deadline=10, trial_started=0, steps_done=2, steps_total=5)
    assert not abandon_trial(now=4.5, deadline=12, trial_started=0, steps_done=2, steps_total=5)
    assert not abandon_trial(now=4, deadline=10, trial_started=0, steps_done=0, steps_total=5)  # no pace yet
    assert not abandon_trial(now=4, deadline=10, trial_started=0, steps_done=5, steps_total=5)


def test_a_protected_trial_is_never_abandoned():
    past = time.monotonic() - 1
    TrialLimit(past, protected=True).check(1, 5)
    assert not TrialLimit(past, protected=True).spent()
    assert TrialLimit(past).spent()
    with pytest.raises(BudgetSpent):
        TrialLimit(past).check(1, 5)


def test_the_search_keeps_back_the_reserve_and_the_refit_and_shares_the_rest():
    # A clock started long ago on a quiet machine: as much CPU time as wall time since then.
    budget = Budget(60, started=100.0, reserve=run_reserve(60), cpu_started=-math.inf)
    assert budget.search_deadline() == 100 + 60 - 6
    # A 10 s fit whose validation rows take 0.1 s to score, re-predicted 39 times at the end.
    costly = final_stages_seconds(10, 0.1, 39)
    assert costly == pytest.approx(1.3 * 10 + 3.9)
    budget.saw_candidate(costly, [30.0])
    budget.saw_candidate(final_stages_seconds(2, 0.01, 39), [4.0])
    assert budget.search_deadline() == pytest.approx(100 + 60 - 6 - costly)
    assert budget.cheapest_trial == 4.0
    assert Budget(None).search_deadline() is None and Budget(None).share(3) is None
    now = time.monotonic()
    live = Budget(30, started=now)
    assert live.share(3) == pytest.approx(now + 10, abs=0.5)
    assert Budget(5, started=now - 10).search_left() == 0


def test_only_the_leader_s_final_stages_are_kept_back_not_the_costliest_family_s():
    # lightgbm leads (0.91) at 5 s; extra_trees (0.89, 15 s) can no longer be the model refit.
    assert chosen_final_stages([0.85, 0.91, 0.89], [1.0, 5.0, 15.0]) == 5.0
    assert chosen_final_stages([0.85, 0.91, 0.93], [1.0, 5.0, 15.0]) == 15.0  # overtaken: its cost
    assert chosen_final_stages([0.9, 0.9], [2.0, 9.0]) == 2.0  # a tie: the first searched ranks first
    assert chosen_final_stages([math.nan, 0.8], [30.0, 3.0]) == 3.0  # no score: cannot be chosen
    assert chosen_final_stages([], []) == 0.0
    budget = Budget(60, started=100.0, reserve=6.0, cpu_started=-math.inf)
    budget.saw_candidate(0.5, [0.1], score=0.5, baseline=True)  # refit beside any model: always kept
    assert budget.final_stages == 0.5 and budget.cheapest_trial == math.inf  # fits no model
    budget.saw_candidate(5.0, [4.0], score=0.91)
    budget.saw_candidate(15.0, [9.0], score=0.89)
    assert budget.final_stages == 5.5 and budget.search_deadline() == pytest.approx(100 + 60 - 6 - 5.5)
    assert budget.cheapest_trial == 4.0


def test_the_sealed_evaluation_s_bootstrap_is_kept_back_for_each_model_it_scores():
    # 55 ns per resampled row (roc_auc, measured): 1,000 resamples of 150,000 rows for 2 models.
    assert bootstrap_seconds(55e-9, 150_000, 1000) == pytest.approx(16.5)
    assert bootstrap_seconds(55e-9, 150_000, 1000, n_models=1) == pytest.approx(8.25)
    assert bootstrap_seconds(55e-9, 150_000, 0) == 0.0
    budget = Budget(60, started=100.0, reserve=6.0, cpu_started=-math.inf, final_stages=4.0)
    budget.bootstrap = bootstrap_seconds(55e-9, 150_000, 1000)
    assert budget.search_deadline() == pytest.approx(100 + 60 - 6 - 4 - 16.5)


def test_the_bootstrap_s_cost_per_row_is_timed_on_validation_predictions():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from trainguard.evaluate.sealed import bootstrap_seconds_per_row

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=4000)})
    y = pd.Series((X["a"] + rng.normal(size=4000) > 0).astype(int))
    model = make_pipeline(LogisticRegression()).fit(X, y)
    started = time.perf_counter()
    per_row = bootstrap_seconds_per_row(model, X, y, task="binary", metric=get_metric("roc_auc", "binary"))
    assert time.perf_counter() - started < 5.0  # a few hundredths on a quiet machine
    # Plausible for a vectorised roc_auc: between 1 ns and 10 us per resampled row.
    assert 1e-9 < per_row < 1e-5


def test_a_family_starts_only_with_at_least_the_quickest_trial_so_far_left():
    now = time.monotonic()
    budget = Budget(20, started=now)
    assert budget.room_for_a_family()  # nothing known yet
    budget.saw_candidate(0.0, [5.0])
    assert budget.room_for_a_family()
    budget.saw_candidate(0.0, [25.0])
    assert budget.room_for_a_family()  # the quickest trial still decides
    assert not Budget(20, started=now - 16, cheapest_trial=5.0).room_for_a_family()
    assert not Budget(20, started=now - 30).room_for_a_family()
    assert Budget(None).room_for_a_family()


class SlowClassifier(ClassifierMixin, BaseEstimator):
    """A majority-class classifier whose fit takes ``seconds``: a stand-in for an expensive model."""

    def __init__(self, seconds=0.2, alpha=1.0):
        self.seconds = seconds
        self.alpha = alpha

    def fit(self, X, y):
        time.sleep(self.seconds)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)

    def predict_proba(self, X):
        return np.tile((self.classes_ == self.majority_).astype(float), (len(X), 1))


def test_the_python_api_stops_starting_trials_when_the_next_would_overrun():
    X, y = np.zeros((60, 2)), np.tile([0, 1, 1], 20)
    space = {"alpha": {"type": "float", "low": 0.1, "high": 10}}
    start = time.monotonic()
    result = trainguard.search(SlowClassifier(0.1), space, X, y, cv=3, budget=2.0, sampler="random")
    elapsed = time.monotonic() - start
    # A trial is 3 fits of 0.1 s: about five fit before the deadline, and none is started after it.
    finished = (result.trials_.state == "COMPLETE").sum()
    assert 2 <= finished <= 7
    assert elapsed < 2.0 + 0.6, elapsed  # at most the final refit and scoring beyond the budget


def _mlp_data():
    frame = make_table("binary", n=160)
    schema = infer_schema(frame, target="churned")
    X, y = coerce_features(frame, schema), frame.churned
    mlp = resolve_candidates(["mlp"])[-1](ModelContext(task="binary", schema=schema, seed=0))
    folds = make_folds(3, classification=True, y=y, seed=0)
    return mlp, SearchData(X, y, None, None, folds=folds, classes=np.array(["no", "yes"]))


def test_an_out_of_time_network_stops_between_epochs_not_at_the_end_of_training():
    mlp, data = _mlp_data()
    long = mlp.with_params({"max_epochs": 100_000, "early_stopping": False})
    import torch  # noqa: F401 - before the clock: this times the epochs, not torch's import (15 s on a busy machine)

    start = time.monotonic()
    with pytest.raises(BudgetSpent):
        cross_validate(long, data, get_metric("roc_auc", "binary"), limit=TrialLimit(time.monotonic() + 1.0))
    assert time.monotonic() - start < 10  # 100,000 epochs would take many minutes


def test_a_trial_stops_between_folds_when_its_pace_says_it_will_not_finish():
    mlp, data = _mlp_data()
    seen = []

    class Limit(TrialLimit):
        def check(self, steps_done, steps_total):
            seen.append(steps_done)
            super().check(steps_done, steps_total)

    # An hour left, but a pace (from a start far in the past) that says the folds need far more.
    limit = Limit(time.monotonic() + 3600, started=time.monotonic() - 10_000)
    with pytest.raises(BudgetSpent):
        cross_validate(mlp.with_params({"max_epochs": 2}), data, get_metric("roc_auc", "binary"),
                       limit=limit)
    assert seen == [1]  # not before the first fold; checked after it, and stopped there


def test_train_keeps_its_budget_and_lists_the_models_it_had_no_time_for(tmp_path):
    frame = make_table("multiclass", n=600, seed=3)
    frame.to_csv(tmp_path / "data.csv", index=False)
    env = {k: v for k, v in os.environ.items() if k not in ("TRAINGUARD_CV", "TRAINGUARD_TRIALS")}
    budget = 30
    args = [sys.executable, "-m", "trainguard", "train", "data.csv", "--target", "churned", "--budget",
            f"{budget}s", "--no-track", "--json", "--out", "run"]
    start = time.monotonic()
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    # With only --budget, trials are unlimited: the run ends because of the budget's checks. How
    # close to the budget it ends is the benchmark's business (benchmarks/quality_at_budget.py);
    # the slack here is for parallel tests loading the machine after the search's estimates.
    assert elapsed < 2 * budget, (elapsed, done.stdout[-2000:])
    # Fifteen trials per parameter of four families take minutes here: a run that ended well
    # before its budget would have wasted it.
    assert elapsed > 0.6 * budget, elapsed
    board = pd.read_csv(tmp_path / "run" / "leaderboard.csv")
    assert board.selected.any()
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    skipped = board[board.error.fillna("").str.startswith("skipped")].model.tolist()
    ids = {f["id"] for f in manifest.get("findings", [])}
    assert ("budget-too-small" in ids) == bool(skipped)


def test_with_only_a_budget_a_family_stops_at_fifteen_trials_per_parameter():
    X, y = np.zeros((30, 2)), np.tile([0, 1, 1], 10)
    space = {"alpha": {"type": "float", "low": 0.1, "high": 10}}
    result = trainguard.search(SlowClassifier(0.0), space, X, y, cv=3, budget="10m", sampler="random")
    assert len(result.trials_) == 15  # long before ten minutes: more draws of one number add nothing


def test_the_default_search_order_reaches_the_likeliest_winners_first():
    names = [c.name for c in resolve_candidates(None)]
    assert names == ["baseline", "linear", "lightgbm", "extra_trees", "random_forest", "mlp"]
    # Superseded by LightGBM in the default list, still there by name.
    assert [c.name for c in resolve_candidates(["gradient_boosting"])][1:] == ["gradient_boosting"]


def test_a_growing_fit_stops_at_the_sooner_of_its_deadlines_even_when_protected():
    now = time.monotonic()
    assert TrialLimit(now + 60, protected=True, grow_deadline=now - 1).past_deadline()
    protected = TrialLimit(now - 1, protected=True)
    assert protected.past_deadline() and not protected.spent()
    assert not TrialLimit(now + 60, grow_deadline=now + 30).past_deadline()
    assert not TrialLimit(None).past_deadline()


def test_contention_scales_the_reserve_on_a_shared_machine_and_never_shrinks_it():
    assert contention(50.0, 10.0) == 5.0  # five busy processes per core: five times as long
    assert contention(10.0, 20.0) == 1.0  # two threads: more CPU than wall time, not a discount
    assert contention(0.0, 0.0) == 1.0
    # As if the process had computed all along (quiet) or hardly at all since the clock started.
    quiet = Budget(60.0, reserve=6.0, cpu_started=time.process_time() - 1000.0)
    busy = Budget(60.0, reserve=6.0, started=quiet.started, cpu_started=time.process_time())
    time.sleep(0.3)  # waiting, not computing: as if other processes held the cores
    assert busy.search_deadline() < quiet.search_deadline() - 5.0


def test_folds_cut_at_different_lengths_are_scored_at_the_shortest_so_the_trial_replays():
    frame = make_table("binary", n=160)
    schema = infer_schema(frame, target="churned")
    X, y = coerce_features(frame, schema), frame.churned
    trees = resolve_candidates(["extra_trees"])[-1](ModelContext(task="binary", schema=schema, seed=0))
    data = SearchData(X, y, None, None, folds=make_folds(3, classification=True, y=y, seed=0),
                      classes=np.array(["no", "yes"]))

    class FirstFoldOnly:
        """The clock stops the first fold's forest after its first step, and no later fold's."""

        cut = True

        def check(self, steps_done, steps_total):
            self.cut = False

        def past_deadline(self):
            return self.cut

        def seconds_left(self):
            return None

    metric = get_metric("roc_auc", "binary")
    grown: dict[str, int] = {}
    scores, oof = cross_validate(trees, data, metric, keep_proba=True, limit=FirstFoldOnly(), grown=grown)
    assert grown and grown["n_estimators"] < 300
    # a replay fits every fold at the recorded length, without a clock: the same scores
    again, again_oof = cross_validate(trees.with_params({**trees.hyperparams, **grown}), data, metric,
                                      keep_proba=True)
    assert scores == again
    assert np.array_equal(oof, again_oof)
