"""Model selection: search each candidate's hyperparameters, score it, rank it.

Selection only ever sees training and validation rows; the test rows live in a
:class:`~trainguard.evaluate.sealed.SealedTestSet` that this module never receives, and
:class:`~trainguard.selection.tuner.SearchData` refuses frames that hold any test row.

Each candidate's best configuration (by cross-validated score on the training rows, or by
validation score with ``cv=0``) is then fitted on the training rows and scored on the validation
rows. Families are ranked by the CV mean when CV ran (it averages K held-out scores, so it is the
steadier number; the validation score is kept beside it as a check), else by the validation
score. The baseline is never selected, and on a tie the simpler family (tried first) wins.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline

from trainguard.evaluate.metrics import Metric
from trainguard.evaluate.scoring import score
from trainguard.evaluate.sealed import bootstrap_seconds_per_row, evaluation_predictions
from trainguard.models.base import Candidate, with_threshold
from trainguard.models.predictions import predictions
from trainguard.selection.budget import Budget, BudgetSpent, bootstrap_seconds, final_stages_seconds
from trainguard.selection.ensemble import ROUNDS, blend_value, greedy_selection
from trainguard.selection.replay import FamilyRecord, ReplayEngine, SearchRecord, finished_trials
from trainguard.selection.tuner import (
    SearchData,
    SearchSettings,
    Tuned,
    cross_validate,
    tune,
    tune_threshold,
)

#: Metrics computed from predicted labels, for which a binary model's decision threshold is tuned.
THRESHOLD_METRICS = frozenset({"f1", "balanced_accuracy"})
#: Called with (candidate name, trials done, trials planned or None, best score so far, seconds left or None).
TrialProgress = Callable[[str, int, "int | None", float, "float | None"], None]


@dataclass
class CandidateResult:
    """One row of the leaderboard."""

    candidate: Candidate
    pipeline: Pipeline | None
    val_score: float
    train_score: float
    fit_seconds: float
    params: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    cv_mean: float = math.nan
    cv_std: float = math.nan
    n_trials: int = 0
    search_seconds: float = 0.0
    threshold: float | None = None
    #: Not searched because the time budget ran out (``error`` says so); not a failure.
    skipped: bool = False
    #: Seconds to predict and score the validation rows (sizes the sealed evaluation's cost).
    score_seconds: float = 0.0
    #: Out-of-fold predictions of the training rows (validation rows' with ``cv=0``), for the
    #: ensemble; None when there are none.
    oof: np.ndarray | None = field(default=None, repr=False)
    #: The search's finished trials, in order (see :func:`~trainguard.selection.replay.finished_trials`).
    trials: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def selection_score(self) -> float:
        """The number the leaderboard ranks by: the CV mean when CV ran, else the validation score."""
        return self.cv_mean if not math.isnan(self.cv_mean) else self.val_score

    @property
    def name(self) -> str:
        return self.candidate.name

    @property
    def is_baseline(self) -> bool:
        return self.candidate.is_baseline


@dataclass
class Leaderboard:
    """Candidates ranked by their CV score (or validation score without CV), best first."""

    metric: Metric
    results: list[CandidateResult]
    #: Every decision the clock made (trials run, predictions kept, ensemble or not), for ``--replay``.
    record: SearchRecord | None = None

    def __post_init__(self) -> None:
        sign = -1.0 if self.metric.greater_is_better else 1.0

        def key(r: CandidateResult) -> tuple[bool, float]:
            value = r.selection_score
            return (math.isnan(value), sign * value if not math.isnan(value) else 0.0)

        # A stable sort: on a tie the candidate tried first (the simpler family) ranks first.
        self.results.sort(key=key)

    def best(self) -> CandidateResult | None:
        """The best real model (never the baseline, never a failed fit)."""
        for result in self.results:
            if not result.is_baseline and result.error is None and not math.isnan(result.selection_score):
                return result
        return None

    def baseline(self) -> CandidateResult | None:
        return next((r for r in self.results if r.is_baseline and r.error is None), None)

    @property
    def ranked_by(self) -> str:
        """``cv`` when the ranking used cross-validated scores, else ``validation``."""
        return "cv" if any(not math.isnan(r.cv_mean) for r in self.results) else "validation"

    def to_frame(self) -> pd.DataFrame:
        best = self.best()
        name = self.metric.name
        rows = []
        for rank, r in enumerate(self.results, start=1):
            rows.append({
                "rank": rank,
                "model": r.name,
                f"cv_{name}_mean": r.cv_mean,
                f"cv_{name}_std": r.cv_std,
                f"val_{name}": r.val_score,
                f"train_{name}": r.train_score,
                "n_trials": r.n_trials,
                "fit_seconds": round(r.fit_seconds, 3),
                "search_seconds": round(r.search_seconds, 3),
                "threshold": r.threshold,
                "selected": best is r,
                "params": json.dumps(r.params, sort_keys=True, default=str),
                "error": r.error or "",
            })
        return pd.DataFrame(rows)


def _fit_one(
    candidate: Candidate,
    metric: Metric,
    data: SearchData,
    tuned: Tuned | None = None,
) -> CandidateResult:
    X_train, y_train, X_val, y_val = data.X_train, data.y_train, data.X_val, data.y_val
    if tuned is not None:
        candidate = candidate.with_params(tuned.params)
    if tuned is not None and tuned.fitted is not None:
        # With cv=0 the best trial's one fit is exactly this fit (same rows, same seed).
        pipeline, elapsed = tuned.fitted, tuned.fit_seconds
    else:
        start = time.perf_counter()
        with warnings.catch_warnings():
            # Convergence chatter is not actionable here: the validation score says how it went.
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipeline = candidate.fit(X_train, y_train, X_val, y_val, row_keys=data.row_keys)
        elapsed = time.perf_counter() - start
    threshold = None
    if tunes_threshold(candidate, metric, data):
        threshold = tune_threshold(candidate, data, metric)
        if threshold is not None and threshold != 0.5:
            pipeline = with_threshold(pipeline, threshold, X_train, y_train)
    has_val = X_val is not None and len(X_val) > 0
    params = candidate.params(pipeline)
    if tuned is not None:
        params = {**params, **tuned.params}
    start = time.perf_counter()
    val_score = score(metric, pipeline, X_val, y_val, classes=data.classes) if has_val else math.nan
    score_seconds = time.perf_counter() - start
    oof = tuned.oof if tuned is not None else None
    if data.folds is None and has_val:
        oof = predictions(pipeline, X_val, data.classes)
    return CandidateResult(
        candidate=candidate,
        pipeline=pipeline,
        oof=oof,
        val_score=val_score,
        score_seconds=score_seconds,
        train_score=score(metric, pipeline, X_train, y_train, classes=data.classes),
        fit_seconds=elapsed,
        params=params,
        cv_mean=tuned.cv_mean if tuned is not None and data.folds is not None else math.nan,
        cv_std=tuned.cv_std if tuned is not None and data.folds is not None else math.nan,
        n_trials=tuned.n_trials if tuned is not None else 1,
        search_seconds=tuned.seconds if tuned is not None else 0.0,
        threshold=threshold,
    )


def tunes_threshold(candidate: Candidate, metric: Metric, data: SearchData) -> bool:
    """Whether the candidate's decision threshold is tuned on out-of-fold predictions."""
    return (metric.name in THRESHOLD_METRICS and not candidate.is_baseline
            and data.classes is not None and len(data.classes) == 2)


def search_candidates(
    candidates: Sequence[Candidate],
    metric: Metric,
    data: SearchData,
    settings: SearchSettings,
    *,
    on_result: Callable[[CandidateResult], None] | None = None,
    on_trial: TrialProgress | None = None,
) -> Leaderboard:
    """Search each candidate's space, fit its best configuration on train, score it on validation.

    The time budget is shared: each candidate still to search gets an equal part of what is left,
    so a quick family leaves its unused time to the next (see :mod:`trainguard.selection.budget`).
    A candidate whose turn comes after the budget ran out is listed as skipped. A candidate that
    fails is recorded with its error and the others go on: one broken model family should not
    cost the user the whole run.
    """
    results = []
    budget = settings.budget
    replay = settings.engine.record if isinstance(settings.engine, ReplayEngine) else None
    searched = [c for c in candidates if not c.is_baseline]
    n_folds = len(data.folds) if data.folds else 0
    for candidate in candidates:
        # The baseline costs next to nothing and every run needs it: never abandoned either.
        deadline, protect = None, candidate.is_baseline
        if not candidate.is_baseline:
            deadline = budget.share(len(searched))
            searched = searched[1:]
            # The first real model's defaults always finish, so every run ends with a model.
            protect = not any(r.pipeline is not None and not r.is_baseline for r in results)

        def progress(done: int, total: int | None, best: float, name: str = candidate.name) -> None:
            if on_trial is not None:
                on_trial(name, done, total, best, budget.search_left())

        final_fits = 1 + (n_folds if tunes_threshold(candidate, metric, data) else 0)
        recorded = replay.family(candidate.name) if replay is not None else None
        try:
            if recorded is not None and recorded.error is not None:
                result = _unsearched(candidate, recorded.error, recorded.skipped)
            else:
                if not candidate.is_baseline and not protect and not budget.room_for_a_family():
                    raise BudgetSpent("skipped: the time budget ran out before its turn")
                tuned = tune(candidate, data, metric, settings, deadline=deadline, protect_first=protect,
                             final_fits=final_fits, on_trial=progress)
                result = _fit_one(candidate, metric, data, tuned)
                result.trials = finished_trials(tuned.study)
                keep_oof = (_folds_fit(budget, result.fit_seconds, n_folds) if recorded is None
                            else recorded.oof)
                if result.oof is None and data.folds and keep_oof:
                    # Its best trial ran elsewhere (a resumed run, Ray): the same folds and seed again.
                    result.oof = cross_validate(result.candidate, data, metric, keep_proba=True)[1]
                elif not keep_oof:
                    result.oof = None
                sign = 1.0 if metric.greater_is_better else -1.0
                budget.saw_candidate(
                    final_stages_seconds(result.fit_seconds, result.score_seconds,
                                         _evaluation_passes(data)),
                    [tuned.fastest_trial], score=sign * result.selection_score,
                    baseline=candidate.is_baseline)
                if not candidate.is_baseline and not budget.bootstrap:
                    budget.bootstrap = _bootstrap_estimate(budget, result, data, metric)
        except BudgetSpent as exc:
            result = _unsearched(candidate, str(exc), skipped=True)
        except Exception as exc:  # noqa: BLE001 - reported in the leaderboard, never swallowed
            result = _unsearched(candidate, f"{type(exc).__name__}: {exc}", skipped=False)
        results.append(result)
        if on_result is not None:
            on_result(result)
    allowed = ensemble_fits(results, data, budget) if replay is None else replay.ensemble
    record = SearchRecord({r.name: FamilyRecord(trials=r.trials, error=r.error, skipped=r.skipped,
                                                oof=r.oof is not None) for r in results},
                          ensemble=allowed)
    ensemble = ensemble_of(results, metric, data) if allowed else None
    if ensemble is not None:
        results.append(ensemble)
        if on_result is not None:
            on_result(ensemble)
    return Leaderboard(metric, results, record)


def _unsearched(candidate: Candidate, error: str, skipped: bool) -> CandidateResult:
    """The leaderboard row of a family with no model: skipped for lack of time, or failed."""
    return CandidateResult(candidate, None, math.nan, math.nan, 0.0, error=error, skipped=skipped)


def _evaluation_passes(data: SearchData) -> float:
    """The sealed evaluation's predictions of the test rows, in passes over the validation rows
    (the rows each candidate's ``score_seconds`` was measured on)."""
    n_val = len(data.X_val) if data.X_val is not None else None
    n_test = len(data.test_rows) if data.test_rows is not None else None
    return evaluation_predictions(data.X_train.shape[1], n_test, n_val)


def _bootstrap_estimate(budget: Budget, result: CandidateResult, data: SearchData,
                        metric: Metric) -> float:
    """Seconds the sealed evaluation's bootstrap will take (:func:`bootstrap_seconds`), timed on
    the first real model's validation predictions; 0 without a budget, a sealed evaluation to
    follow, or validation rows to time it on."""
    n_test = len(data.test_rows) if data.test_rows is not None else 0
    if (not budget.limited or not budget.evaluation_resamples or not n_test or result.pipeline is None
            or data.X_val is None or not len(data.X_val)):
        return 0.0
    per_row = bootstrap_seconds_per_row(result.pipeline, data.X_val, data.y_val,
                                        task=result.candidate.context.task, metric=metric)
    return bootstrap_seconds(per_row, n_test, budget.evaluation_resamples)


def _folds_fit(budget: Budget, fit_seconds: float, n_folds: int) -> bool:
    """Whether ``n_folds`` more fits of about ``fit_seconds`` each fit in the search's time left."""
    left = budget.search_left()
    return left is None or left >= n_folds * fit_seconds


def _members(results: Sequence[CandidateResult]) -> list[CandidateResult]:
    """The families the ensemble may choose from: real, fitted, scored, with predictions kept."""
    return [r for r in results if not r.is_baseline and r.pipeline is not None and r.oof is not None
            and not math.isnan(r.selection_score)]


def ensemble_fits(results: Sequence[CandidateResult], data: SearchData, budget: Budget) -> bool:
    """Whether the budget leaves time to refit and evaluate every family the ensemble may use."""
    members = _members(results)
    refit = final_stages_seconds(sum(r.fit_seconds for r in members),
                                 sum(r.score_seconds for r in members),
                                 _evaluation_passes(data))
    left = budget.search_left()
    return left is None or left + budget.final_stages >= refit


def ensemble_of(results: Sequence[CandidateResult], metric: Metric,
                data: SearchData) -> CandidateResult | None:
    """The ``ensemble`` row: greedy ensemble selection over the families' out-of-fold predictions
    (see :mod:`trainguard.selection.ensemble`), or None when fewer than two families take part
    (whether the budget leaves time for it is :func:`ensemble_fits`)."""
    from trainguard.models.ensemble import EnsembleCandidate

    start = time.perf_counter()
    members = _members(results)
    if len(members) < 2:
        return None
    y = np.asarray(data.y_train if data.folds else data.y_val)
    blend = greedy_selection([r.oof for r in members], blend_value(metric, y, data.classes, data.folds))
    chosen = [(r, w) for r, w in zip(members, blend.weights, strict=True) if w > 0]
    if len(chosen) < 2:
        return None  # the best family alone: nothing to average
    sign = 1.0 if metric.greater_is_better else -1.0
    candidate = EnsembleCandidate(chosen[0][0].candidate.context, [r.candidate for r, _ in chosen],
                                  [w for _, w in chosen])
    pipeline = candidate.assemble([r.pipeline for r, _ in chosen])
    has_val = data.X_val is not None and len(data.X_val) > 0
    started_scoring = time.perf_counter()
    val_score = (score(metric, pipeline, data.X_val, data.y_val, classes=data.classes)
                 if has_val else math.nan)
    score_seconds = time.perf_counter() - started_scoring
    cv_mean = cv_std = math.nan
    if data.folds:
        cv_mean = sign * blend.value
        oof = sum(w * r.oof for r, w in chosen)
        cv_std = float(np.std([_fold_score(metric, y, oof, va, data.classes) for _, va in data.folds]))
    return CandidateResult(
        candidate=candidate, pipeline=pipeline, val_score=val_score, score_seconds=score_seconds,
        train_score=score(metric, pipeline, data.X_train, data.y_train, classes=data.classes),
        fit_seconds=sum(r.fit_seconds for r, _ in chosen), params=candidate.params(pipeline),
        cv_mean=cv_mean, cv_std=cv_std, n_trials=ROUNDS, search_seconds=time.perf_counter() - start,
    )


def _fold_score(metric: Metric, y: np.ndarray, oof: np.ndarray, rows: np.ndarray,
                classes: np.ndarray | None) -> float:
    sign = 1.0 if metric.greater_is_better else -1.0
    return sign * blend_value(metric, y[rows], classes, None)(oof[rows])
