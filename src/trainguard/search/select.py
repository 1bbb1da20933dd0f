"""Model selection on validation rows: fit every candidate, score it, rank it.

Selection only ever sees training and validation rows; the test rows live in a
:class:`~trainguard.evaluate.sealed.SealedTestSet` that this module never receives.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline

from trainguard.evaluate.metrics import Metric, score
from trainguard.models.base import Candidate


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

    @property
    def name(self) -> str:
        return self.candidate.name

    @property
    def is_baseline(self) -> bool:
        return self.candidate.is_baseline


@dataclass
class Leaderboard:
    """Candidates ranked by their validation score, best first."""

    metric: Metric
    results: list[CandidateResult]

    def __post_init__(self) -> None:
        sign = -1.0 if self.metric.greater_is_better else 1.0

        def key(r: CandidateResult) -> tuple[bool, float]:
            return (math.isnan(r.val_score), sign * r.val_score if not math.isnan(r.val_score) else 0.0)

        # A stable sort: on a tie the candidate tried first (the simpler family) ranks first.
        self.results.sort(key=key)

    def best(self) -> CandidateResult | None:
        """The best real model (never the baseline, never a failed fit)."""
        for result in self.results:
            if not result.is_baseline and result.error is None and not math.isnan(result.val_score):
                return result
        return None

    def baseline(self) -> CandidateResult | None:
        return next((r for r in self.results if r.is_baseline and r.error is None), None)

    def to_frame(self) -> pd.DataFrame:
        best = self.best()
        rows = []
        for rank, r in enumerate(self.results, start=1):
            rows.append({
                "rank": rank,
                "model": r.name,
                f"val_{self.metric.name}": r.val_score,
                f"train_{self.metric.name}": r.train_score,
                "fit_seconds": round(r.fit_seconds, 3),
                "selected": best is r,
                "params": json.dumps(r.params, sort_keys=True, default=str),
                "error": r.error or "",
            })
        return pd.DataFrame(rows)


def _fit_one(
    candidate: Candidate,
    metric: Metric,
    X_train: pd.DataFrame,
    y_train: pd.Series,
    X_val: pd.DataFrame,
    y_val: pd.Series,
) -> CandidateResult:
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Convergence chatter is not actionable here: the validation score says how it went.
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline = candidate.fit(X_train, y_train, X_val, y_val)
    elapsed = time.perf_counter() - start
    return CandidateResult(
        candidate=candidate,
        pipeline=pipeline,
        val_score=score(metric, pipeline, X_val, y_val),
        train_score=score(metric, pipeline, X_train, y_train),
        fit_seconds=elapsed,
        params=candidate.params(pipeline),
    )


def compare_candidates(
    candidates: Sequence[Candidate],
    metric: Metric,
    X_train: pd.DataFrame,
    y_train: pd.Series,
    X_val: pd.DataFrame,
    y_val: pd.Series,
    *,
    on_result: Callable[[CandidateResult], None] | None = None,
) -> Leaderboard:
    """Fit each candidate on the training rows and score it on the validation rows.

    A candidate that fails to fit is recorded with its error and the others go on: one broken
    model family should not cost the user the whole run.
    """
    results = []
    for candidate in candidates:
        try:
            result = _fit_one(candidate, metric, X_train, y_train, X_val, y_val)
        except Exception as exc:  # noqa: BLE001 - reported in the leaderboard, never swallowed
            result = CandidateResult(candidate, None, math.nan, math.nan, 0.0,
                                     error=f"{type(exc).__name__}: {exc}")
        results.append(result)
        if on_result is not None:
            on_result(result)
    return Leaderboard(metric, results)
