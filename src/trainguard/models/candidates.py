"""The built-in candidate models, each with defaults that are sensible without tuning."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, ClassVar

import pandas as pd
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline

from trainguard.features.preprocess import build_preprocessor, native_categorical_mask
from trainguard.models import target_transform as target
from trainguard.models.base import (
    Candidate,
    Deadline,
    EarlyStoppedCandidate,
    RowKeys,
    fitted_model,
    register,
    units_that_fit,
    unwrap,
)
from trainguard.models.threads import cpu_threads, threads_for

BOOSTING_MAX_ROUNDS = 1000
BOOSTING_PATIENCE = 20
#: A forest under a deadline grows this share of its trees at a time, checking the clock between
#: steps: ten steps cost a few calls more than one fit, and a step is short enough to stop in time.
FOREST_STEP_SHARE = 0.1
#: Its first step grows this share (3 of 300 trees): the one step grown without knowing what a tree
#: costs, so the one that can overrun the deadline by its whole length.
FOREST_FIRST_STEP_SHARE = 0.01
#: Histogram gradient boosting under a deadline grows this many rounds at a time (``warm_start``):
#: each step bins the rows again (a few rounds' work), and 50 rounds on 60,000 rows take about a
#: second on one busy core, so a fit stops within about a second of its deadline.
BOOSTING_STEP_ROUNDS = 50


@register
class Baseline(Candidate):
    name = "baseline"
    description = "predicts the training class frequencies or the training mean, ignoring features"
    is_baseline = True

    def build(self) -> Pipeline:
        model = (
            DummyRegressor(strategy="mean")
            if self.context.task == "regression"
            else DummyClassifier(strategy="prior")
        )
        # Keep the preprocessing so the baseline accepts exactly what the real models accept.
        preprocess = build_preprocessor(self.context.schema, scale=False, categorical="ordinal")
        return Pipeline([("preprocess", preprocess), ("model", model)])


@register
class Linear(Candidate):
    name = "linear"
    search_rank = 0
    description = "L2-regularised logistic or ridge regression on scaled, one-hot encoded features"

    @classmethod
    def search_space(cls, task: str) -> dict[str, Any]:
        """The regularisation strength, log-uniform over six decades around the default 1."""
        name = "alpha" if task == "regression" else "C"
        return {name: {"type": "float", "low": 1e-3, "high": 1e3, "log": True,
                       "grid": [0.01, 0.1, 1.0, 10.0, 100.0]}}

    def build(self) -> Pipeline:
        if self.context.task == "regression":
            model: object = Ridge(alpha=1.0)
        else:
            model = LogisticRegression(C=1.0, max_iter=5000)
        preprocess = build_preprocessor(self.context.schema, scale=True, categorical="onehot")
        return Pipeline([("preprocess", preprocess), ("model", model)])


@register
class RandomForest(Candidate):
    name = "random_forest"
    search_rank = 20
    description = "a random forest of 300 trees on imputed, ordinal-encoded features"

    @classmethod
    def search_space(cls, task: str) -> dict[str, Any]:
        """Leaf size and features per split, the two settings that move a forest's score most
        (Probst et al. 2019, "Hyperparameters and tuning strategies for random forest")."""
        return {
            "min_samples_leaf": {"type": "int", "low": 1, "high": 16, "log": True, "grid": [1, 2, 4, 8]},
            "max_features": {"type": "categorical", "choices": ["sqrt", 0.33, 0.66, 1.0]},
        }

    @classmethod
    def portfolio(cls, task: str) -> list[dict[str, Any]]:
        """One step each way from the defaults in the two settings Probst et al. 2019 found to move
        a forest's score most (features per split, leaf size); the smaller trees first."""
        return [{"min_samples_leaf": 2, "max_features": 0.33},
                {"min_samples_leaf": 1, "max_features": 0.66}]

    #: The estimators for (regression, classification).
    forest: ClassVar[tuple[type, type]] = (RandomForestRegressor, RandomForestClassifier)

    def fit(
        self,
        X: pd.DataFrame,
        y: pd.Series,
        X_val: pd.DataFrame | None = None,
        y_val: pd.Series | None = None,
        *,
        epoch_callbacks: Sequence[Any] = (),
        row_keys: RowKeys | None = None,
        limit: Deadline | None = None,
    ) -> Pipeline:
        """Without ``limit``, one fit. With one, the trees are grown a step at a time (scikit-learn's
        ``warm_start``, which draws each tree's seed as one fit would, so the forest is the same)
        until all are grown or the deadline passes; the trees grown so far are a valid forest, and
        ``n_estimators`` then says how many there are (see :meth:`grown_length`)."""
        pipeline = self.pipeline()
        if limit is None:
            return pipeline.fit(X, y)
        planned = int(fitted_model(pipeline).n_estimators)
        step = max(1, int(round(FOREST_STEP_SHARE * planned)))
        # The first step is a few trees only: it measures what a tree costs on these rows, so that
        # no later step starts that cannot end by the deadline (see units_that_fit).
        first = max(1, int(round(FOREST_FIRST_STEP_SHARE * planned)))
        fitted_model(pipeline).set_params(warm_start=True, n_estimators=min(first, planned))
        started = time.perf_counter()
        pipeline.fit(X, y)
        per_tree = (time.perf_counter() - started) / min(first, planned)
        # Inside a target transform the forest that grows is the wrapper's fitted clone, fit on the
        # transformed target.
        forest, transformer = target.split(pipeline.named_steps["model"])
        if forest.n_estimators < planned and not limit.past_deadline():
            Xt, yt = pipeline.named_steps["preprocess"].transform(X), y
            sampler = pipeline.named_steps.get("resample")
            if sampler is not None:  # seeded: the same rows the pipeline's fit gave the model
                Xt, yt = sampler.fit_resample(Xt, y)
            if transformer is not None:
                yt = target.transformed(transformer, yt)
            while forest.n_estimators < planned and not limit.past_deadline():
                grow = units_that_fit(min(step, planned - forest.n_estimators), per_tree,
                                      limit.seconds_left())
                if grow == 0:
                    break
                started = time.perf_counter()
                forest.set_params(n_estimators=forest.n_estimators + grow)
                forest.fit(Xt, yt)
                per_tree = (time.perf_counter() - started) / grow
        forest.set_params(warm_start=False)
        if transformer is not None:  # the wrapper's unfitted template too, for its params
            pipeline.named_steps["model"].regressor.set_params(warm_start=False, n_estimators=planned)
        return pipeline

    def grown_length(self, fitted: Any) -> dict[str, int]:
        grown = int(fitted_model(unwrap(fitted)[0]).n_estimators)
        planned = int(fitted_model(self.pipeline()).n_estimators)
        return {"n_estimators": grown} if grown < planned else {}

    def build(self) -> Pipeline:
        kwargs = dict(
            n_estimators=300,
            min_samples_leaf=1 if self.context.task != "regression" else 2,
            random_state=self.context.seed,
            n_jobs=self.context.n_jobs,
        )
        regressor, classifier = self.forest
        model = regressor(**kwargs) if self.context.task == "regression" else classifier(**kwargs)
        preprocess = build_preprocessor(self.context.schema, scale=False, categorical="ordinal")
        return Pipeline([("preprocess", preprocess), ("model", model)])


@register
class ExtraTrees(RandomForest):
    """Extremely randomised trees (Geurts et al. 2006): split points drawn at random, so a tree
    costs a fraction of a forest's and the ensemble is smoother; often as accurate on tables."""

    name = "extra_trees"
    search_rank = 15
    description = "extremely randomised trees (300) on imputed, ordinal-encoded features"
    forest = (ExtraTreesRegressor, ExtraTreesClassifier)

    @classmethod
    def portfolio(cls, task: str) -> list[dict[str, Any]]:
        """Geurts et al. 2006's two default numbers of features per split, each tried on either
        task: the square root (their choice for classification) and all of them (regression)."""
        return [{"min_samples_leaf": 1, "max_features": "sqrt"},
                {"min_samples_leaf": 1, "max_features": 1.0}]


@register
class GradientBoosting(EarlyStoppedCandidate):
    """scikit-learn's HistGradientBoosting with native categories and missing values.

    Boosting rounds are chosen by early stopping on an inner hold-out of the training rows (never
    the validation rows it is scored on, never the test rows); the refit on train+validation then
    uses that many rounds, with early stopping off.
    """

    name = "gradient_boosting"
    search_rank = 10
    by_default = False  # LightGBM runs the same algorithm faster; pick this one with --models
    inner_validation = True  # stop on rows held out of the fit's own, never on the scored ones
    smote_ready = False  # native categories and missing values: SMOTE cannot interpolate them
    grows_to_deadline = True
    length_param = "max_iter"
    description = "histogram gradient boosting with native categories, early-stopped on inner rows"

    @classmethod
    def search_space(cls, task: str) -> dict[str, Any]:
        """Step size and tree shape; the number of rounds is left to early stopping."""
        return {
            "learning_rate": {"type": "float", "low": 0.01, "high": 0.3, "log": True,
                              "grid": [0.02, 0.05, 0.1, 0.2]},
            "max_leaf_nodes": {"type": "int", "low": 7, "high": 63, "log": True, "grid": [15, 31, 63]},
            "min_samples_leaf": {"type": "int", "low": 5, "high": 50, "log": True, "grid": [10, 20, 40]},
            "l2_regularization": {"type": "float", "low": 0.0, "high": 1.0, "grid": [0.0, 0.1, 1.0]},
        }

    @classmethod
    def portfolio(cls, task: str) -> list[dict[str, Any]]:
        """AutoGluon's GBMLarge (learning rate 0.03, big trees, small leaves; its LightGBM
        portfolio) in scikit-learn's names, capped at the space's 63 leaves."""
        return [{"learning_rate": 0.03, "max_leaf_nodes": 63, "min_samples_leaf": 5,
                 "l2_regularization": 0.0}]

    def _model(self, **params: object) -> object:
        defaults: dict[str, object] = dict(
            learning_rate=0.05,
            max_iter=BOOSTING_MAX_ROUNDS,
            n_iter_no_change=BOOSTING_PATIENCE,
            random_state=self.context.seed,
        )
        defaults.update(params)
        if self.context.task == "regression":
            return HistGradientBoostingRegressor(**defaults)
        return HistGradientBoostingClassifier(**defaults)

    def build(self) -> Pipeline:
        preprocess = build_preprocessor(
            self.context.schema, scale=False, categorical="native", native_missing=True
        )
        return Pipeline([("preprocess", preprocess), ("model", self._model(early_stopping="auto"))])

    def _prepare_model(self, model: Any, preprocess: Any) -> None:
        model.set_params(categorical_features=native_categorical_mask(preprocess, self.context.schema))

    def _fit_model(self, model: Any, Xt: Any, y: pd.Series, Xv: Any | None, y_val: pd.Series | None,
                   epoch_callbacks: Sequence[Any] = (), limit: Deadline | None = None) -> None:
        """One fit; under ``limit``, the rounds are grown :data:`BOOSTING_STEP_ROUNDS` at a time
        (``warm_start``: the same rounds and the same early stopping as one fit) until early
        stopping ends them, ``max_iter`` is reached or the deadline passes, and then
        ``deadline_rounds_`` says how many there are (read by :meth:`grown_length`)."""
        # Boosting rounds are not epochs: the search prunes this family per fold.
        model.deadline_rounds_ = None
        with cpu_threads(threads_for(self.context.n_jobs, len(y)), user_api="openmp"):
            if Xv is None:
                model.fit(Xt, y)
                return
            model.set_params(early_stopping=True)
            if limit is None:
                model.fit(Xt, y, X_val=Xv, y_val=y_val)
                return
            planned = int(model.max_iter)
            model.set_params(warm_start=True, max_iter=min(BOOSTING_STEP_ROUNDS, planned))
            model.fit(Xt, y, X_val=Xv, y_val=y_val)
            while _boosting_goes_on(model, planned) and not limit.past_deadline():
                model.set_params(max_iter=min(planned, model.max_iter + BOOSTING_STEP_ROUNDS))
                model.fit(Xt, y, X_val=Xv, y_val=y_val)
            if _boosting_goes_on(model, planned):
                model.deadline_rounds_ = int(model.n_iter_)
            model.set_params(warm_start=False, max_iter=planned)

    def _freeze_length(self, fresh: Any, selected: Any) -> None:
        fresh.set_params(max_iter=int(selected.n_iter_), early_stopping=False)

    def params(self, fitted: Pipeline) -> dict[str, object]:
        params = super().params(fitted)
        params["n_iter_"] = int(fitted_model(unwrap(fitted)[0]).n_iter_)
        return params


def _boosting_goes_on(model: Any, planned: int) -> bool:
    """Whether a warm-started histogram boosting fit would grow more rounds in one fit of ``planned``.

    Rounds as many as allowed means early stopping has not ended them, unless it would have ended
    them at exactly this round: scikit-learn's warm start grows another round before it checks
    again, so that case is read off ``validation_score_`` with its own rule (``_should_stop``: no
    score of the last ``n_iter_no_change`` above the one before them by more than ``tol``).
    """
    if not model.n_iter_ == model.max_iter < planned:
        return False
    scores = model.validation_score_
    reference = model.n_iter_no_change + 1
    if len(scores) < reference:
        return True
    return any(score > scores[-reference] + model.tol for score in scores[-reference + 1 :])
