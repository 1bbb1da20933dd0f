"""The LightGBM candidate: leaf-wise gradient boosting with native categories and missing values."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline

from trainguard.features.preprocess import build_preprocessor, native_categorical_mask
from trainguard.models.base import Deadline, EarlyStoppedCandidate, fitted_model, register, unwrap
from trainguard.models.candidates import BOOSTING_MAX_ROUNDS, BOOSTING_PATIENCE
from trainguard.models.native_booster import rows_of_known_classes
from trainguard.models.threads import threads_for

# LightGBM 4.6 names the columns of a NumPy fit Column_0.. and reports them as feature_names_in_,
# so scikit-learn >= 1.6 warns on every predict that the (equally nameless) rows lack names:
# a false alarm (lightgbm-org/LightGBM#6798, fixed upstream by #7232). Silence that one message.
warnings.filterwarnings(
    "ignore", message="X does not have valid feature names, but LGBM", category=UserWarning
)


@register
class LightGBM(EarlyStoppedCandidate):
    """LightGBM's scikit-learn estimators on ordinal category codes (split natively) and raw NaN.

    Boosting rounds are chosen by early stopping on an inner hold-out of the training rows it is
    given (:func:`~trainguard.models.base.inner_split`), never on the rows it is scored on; the
    refit on train+validation then runs that many rounds. Threads follow ``threads_for``: one on
    small data, where more only wait on each other.
    """

    name = "lightgbm"
    search_rank = 5
    smote_ready = False  # native categories and missing values: SMOTE cannot interpolate them
    inner_validation = True
    grows_to_deadline = True
    description = "LightGBM with native categories and missing values, early-stopped on inner rows"

    @classmethod
    def search_space(cls, task: str) -> dict[str, Any]:
        """The ranges FLAML searches for LightGBM (flaml/automl/model.py, LGBMEstimator), narrowed
        to where its and AutoGluon's portfolios put their configurations; rounds are left to early
        stopping."""
        return {
            "learning_rate": {
                "type": "float",
                "low": 0.005,
                "high": 0.3,
                "log": True,
                "grid": [0.01, 0.03, 0.1],
            },
            "num_leaves": {"type": "int", "low": 4, "high": 256, "log": True, "grid": [15, 31, 63, 127]},
            "min_child_samples": {"type": "int", "low": 2, "high": 100, "log": True, "grid": [3, 10, 20, 50]},
            "colsample_bytree": {"type": "float", "low": 0.4, "high": 1.0, "grid": [0.5, 0.7, 0.9, 1.0]},
            "reg_lambda": {"type": "float", "low": 0.0, "high": 10.0, "grid": [0.0, 1.0, 10.0]},
            "extra_trees": {"type": "categorical", "choices": [False, True]},
        }

    @classmethod
    def portfolio(cls, task: str) -> list[dict[str, Any]]:
        """AutoGluon's LightGBM configurations (``autogluon.tabular.configs.zeroshot``, the 2023
        zero-shot portfolio learned on TabRepo's 200 datasets, Salinas & Erickson 2023): GBMXT,
        GBM_r131 and GBMLarge, in AutoGluon's names feature_fraction = colsample_bytree and
        min_data_in_leaf = min_child_samples; cheapest (fewest leaves) first."""
        return [
            {"extra_trees": True},  # GBMXT: AutoGluon's defaults with extremely randomised splits
            {
                "learning_rate": 0.012,
                "num_leaves": 53,
                "min_child_samples": 14,
                "colsample_bytree": 0.70,
                "extra_trees": False,
            },  # GBM_r131
            {
                "learning_rate": 0.03,
                "num_leaves": 128,
                "min_child_samples": 3,
                "colsample_bytree": 0.9,
                "extra_trees": False,
            },  # GBMLarge
        ]

    def _model(self, **params: Any) -> Any:
        import lightgbm as lgb

        defaults: dict[str, Any] = dict(
            # AutoGluon's LightGBM default step (0.05), which early stopping then lengthens.
            learning_rate=0.05,
            n_estimators=BOOSTING_MAX_ROUNDS,
            num_leaves=31,
            min_child_samples=20,
            colsample_bytree=1.0,
            reg_lambda=0.0,
            extra_trees=False,
            random_state=self.context.seed,
            n_jobs=1,
            verbose=-1,
        )
        defaults.update(params)
        if self.context.task == "regression":
            return lgb.LGBMRegressor(**defaults)
        return lgb.LGBMClassifier(**defaults)

    def build(self) -> Pipeline:
        preprocess = build_preprocessor(
            self.context.schema, scale=False, categorical="native", native_missing=True
        )
        return Pipeline([("preprocess", preprocess), ("model", self._model())])

    def _prepare_model(self, model: Any, preprocess: Any) -> None:
        mask = native_categorical_mask(preprocess, self.context.schema)
        self._categorical = [i for i, is_cat in enumerate(mask) if is_cat]

    def _fit_model(
        self,
        model: Any,
        Xt: Any,
        y: pd.Series,
        Xv: Any | None,
        y_val: pd.Series | None,
        epoch_callbacks: Sequence[Any] = (),
        limit: Deadline | None = None,
    ) -> None:
        import lightgbm as lgb

        # Boosting rounds are not epochs: the search prunes this family per fold.
        model.set_params(n_jobs=threads_for(self.context.n_jobs, len(y)))
        kwargs: dict[str, Any] = {"categorical_feature": self._categorical or "auto"}
        stop = stopping_rows(model, Xv, y, y_val) if Xv is not None and y_val is not None else {}
        clock = DeadlineStop(limit) if limit is not None and stop else None
        if stop:
            callbacks: list[Any] = [lgb.early_stopping(BOOSTING_PATIENCE, verbose=False)]
            kwargs.update(stop, callbacks=callbacks + ([clock] if clock else []))
        model.fit(Xt, y, **kwargs)
        # Read by grown_length (EarlyStoppedCandidate's).
        model.deadline_rounds_ = clock.stopped_at if clock is not None else None

    def _freeze_length(self, fresh: Any, selected: Any) -> None:
        fresh.set_params(n_estimators=rounds(selected))

    def params(self, fitted: Any) -> dict[str, Any]:
        params = super().params(fitted)
        params["n_estimators_"] = rounds(fitted_model(unwrap(fitted)[0]))
        return params


def stopping_rows(model: Any, Xv: Any, y: Any, y_val: Any) -> dict[str, Any]:
    """``fit`` arguments that stop ``model`` early on ``Xv``, ``y_val``.

    LightGBM 4.7 deprecates ``eval_set`` for ``eval_X``/``eval_y`` (warning on every fit), but its
    classifier does not label-encode ``eval_y`` (lightgbm-org/LightGBM#7400: string labels fail,
    integer labels other than 0..k-1 are scored wrongly): hand it the class indices its encoder
    gives ``y``'s labels (sorted), on the rows of classes ``y`` has. Older versions take ``eval_set``.
    """
    if "eval_X" not in inspect.signature(model.fit).parameters:
        return {"eval_set": [(Xv, y_val)]}
    if not is_classifier(model):  # a regressor's targets need no encoding
        return {"eval_X": Xv, "eval_y": y_val}
    classes = np.unique(np.asarray(y))
    rows = rows_of_known_classes(classes, Xv, y_val)
    if rows is None:
        return {}
    return {"eval_X": rows[0], "eval_y": np.searchsorted(classes, rows[1])}


class DeadlineStop:
    """A LightGBM callback that ends training once ``limit`` passes, keeping the best round so far.

    It picks the best round by the rule ``lgb.early_stopping`` applies when training ends at
    ``n_estimators`` (the first validation metric, strictly better only), so a fit re-run with
    ``n_estimators`` set to the rounds grown here (``--replay``) keeps the same round.
    """

    order = 40  # after early stopping (30): a round that ends by patience is not cut by the clock

    def __init__(self, limit: Deadline) -> None:
        self.limit = limit
        self.best: tuple[int, list[Any]] | None = None
        self.stopped_at: int | None = None

    def __call__(self, env: Any) -> None:
        import lightgbm as lgb

        _, _, value, higher_is_better = env.evaluation_result_list[0][:4]
        if self.best is None:
            better = True
        else:
            best_value = self.best[1][0][2]
            better = value > best_value if higher_is_better else value < best_value
        if better:
            self.best = (env.iteration, list(env.evaluation_result_list))
        if env.iteration + 1 < env.end_iteration and self.limit.past_deadline():
            self.stopped_at = env.iteration + 1 - env.begin_iteration
            raise lgb.callback.EarlyStopException(self.best[0], self.best[1])


def rounds(model: Any) -> int:
    """The boosting rounds a fitted LightGBM model uses: the best one when it stopped early."""
    best = getattr(model, "best_iteration_", None)
    return int(best) if best else int(model.n_estimators_)
