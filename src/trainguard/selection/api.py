"""``trainguard.search``: the same search for people's own estimators and pipelines.

The space uses the declarative format of :mod:`trainguard.selection.spaces` with scikit-learn's
nested names (``model__C``); trials are cross-validated with the same seeded samplers and
pruning as ``trainguard train``, and the best configuration is refit on all the rows given.
Pass training rows only: hold out your own test rows before calling this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone, is_classifier

from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import default_metric, get_metric
from trainguard.models.base import Candidate, Deadline, ModelContext, RowKeys
from trainguard.selection.budget import Budget, parse_budget
from trainguard.selection.folds import make_folds
from trainguard.selection.spaces import parse_space
from trainguard.selection.tuner import (
    DEFAULT_TRIALS,
    SearchData,
    SearchSettings,
    check_sampler,
    check_trials,
    tune,
)


class _Estimator(Candidate):
    """Any scikit-learn estimator as a candidate: parameters are set by their nested names."""

    name = "estimator"
    description = "a user's estimator or pipeline"

    def __init__(self, context: ModelContext, estimator: BaseEstimator,
                 hyperparams: dict[str, Any] | None = None) -> None:
        super().__init__(context, hyperparams)
        self.estimator = estimator

    def build(self) -> Any:
        return clone(self.estimator)

    def current_params(self) -> dict[str, Any]:
        return self.estimator.get_params(deep=True)

    def pipeline(self) -> Any:
        return self.build().set_params(**self.hyperparams)

    def fit(self, X: Any, y: Any, X_val: Any = None, y_val: Any = None, *,
            epoch_callbacks: Sequence[Any] = (), row_keys: RowKeys | None = None,
            limit: Deadline | None = None) -> Any:
        return self.pipeline().fit(X, y)


@dataclass
class SearchResult:
    """What :func:`search` found; scikit-learn-style names for the learned parts."""

    best_estimator_: Any
    best_params_: dict[str, Any]
    best_score_: float
    best_score_std_: float
    trials_: pd.DataFrame
    metric: str


def search(
    estimator: BaseEstimator,
    space: dict[str, Any],
    X: Any,
    y: Any,
    *,
    cv: int = 5,
    budget: str | float | None = None,
    n_trials: int | None = None,
    sampler: str = "bayes",
    scoring: str | None = None,
    seed: int = 0,
    groups: Any = None,
) -> SearchResult:
    """Search ``space`` for ``estimator`` by ``cv``-fold cross-validation on ``X``, ``y``.

    ``scoring`` is a trainguard metric name (default: roc_auc, f1_macro or rmse by task);
    ``budget`` a time limit (``"60s"``, ``"5m"`` or seconds); ``n_trials`` defaults to 4, or as
    many as fit (up to 15 per searched parameter) when only ``budget`` is given. The estimator's
    own settings are the first trial.
    """
    X = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
    y = pd.Series(np.asarray(y), index=X.index)
    if not isinstance(cv, int) or cv < 2:
        raise ConfigError(f"cv must be a number of folds of at least 2, got {cv!r}", where="cv",
                          fix="pass cv=5, or hold out rows yourself and score them")
    if is_classifier(estimator):
        task = "binary" if y.nunique() == 2 else "multiclass"
    else:
        task = "regression"
    metric = get_metric(scoring or default_metric(task), task)
    seconds = parse_budget(budget) if budget is not None else None
    check_trials(n_trials)
    trials = n_trials if n_trials is not None else (None if seconds else DEFAULT_TRIALS)
    parsed = parse_space(space, "space")
    params = estimator.get_params(deep=True)
    unknown = [name for name in parsed if name not in params]
    if unknown:
        raise ConfigError(f"the estimator has no parameter {', '.join(map(repr, unknown))}", where="space",
                          fix="use the nested names of estimator.get_params(), e.g. 'model__C'")
    folds = make_folds(cv, classification=task != "regression", y=y,
                       groups=None if groups is None else pd.Series(np.asarray(groups)), seed=seed)
    classes = np.unique(y) if task != "regression" else None
    data = SearchData(X, y, None, None, folds=folds, classes=classes)
    clock = Budget(seconds)
    settings = SearchSettings(sampler=check_sampler(sampler), n_trials=trials, budget=clock, seed=seed,
                              spaces={"estimator": parsed})
    candidate = _Estimator(ModelContext(task=task, schema=None, seed=seed), estimator)  # type: ignore[arg-type]
    tuned = tune(candidate, data, metric, settings, deadline=clock.share(1))
    study = tuned.study
    best = candidate.with_params(tuned.params).fit(X, y)
    trials_frame = study.trials_dataframe(attrs=("number", "value", "params", "state", "duration",
                                                 "user_attrs"))
    return SearchResult(best, dict(tuned.params), tuned.cv_mean, tuned.cv_std, trials_frame, metric.name)
