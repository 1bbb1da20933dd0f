"""The XGBoost candidate: depth-wise histogram boosting with native categories and missing values.

XGBoost is an optional extra (``pip install 'trainguard[xgboost]'``, which installs
``xgboost-cpu``: a 5.6 MB wheel needing only NumPy and SciPy, where the plain ``xgboost`` wheel
depends on NVIDIA's NCCL for GPUs), so the family is tried only when named in ``--models``, and
naming it without the package is refused with the install command.

skops cannot save XGBoost's own estimators safely (their state pickles a C++ booster), so the
pipeline's model step is :class:`XGBoostClassifierModel` / :class:`XGBoostRegressorModel`
(:class:`~trainguard.models.native_booster.SavedBoosterModel`): settings plus the booster as
XGBoost's own UBJSON bytes (``Booster.save_raw``), which loading hands to XGBoost's parser as data.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin
from sklearn.pipeline import Pipeline

from trainguard.errors import ConfigError
from trainguard.features.preprocess import build_preprocessor, native_categorical_mask
from trainguard.models.base import Deadline, EarlyStoppedCandidate, fitted_model, register, unwrap
from trainguard.models.candidates import BOOSTING_MAX_ROUNDS, BOOSTING_PATIENCE
from trainguard.models.native_booster import ClassIndexClassifierMixin, SavedBoosterModel
from trainguard.models.threads import threads_for


def xgboost_installed() -> bool:
    return importlib.util.find_spec("xgboost") is not None


class _XGBoostModel(SavedBoosterModel):
    """Settings of one XGBoost fit (names as in XGBoost), the fitted booster in ``booster_``.

    The defaults are AutoGluon's for XGBoost (learning rate 0.1, XGBoost's own depth 6 and
    ``hist`` trees); rounds are left to early stopping.
    """

    saved_as = "booster_ubj_"

    def __init__(
        self,
        *,
        learning_rate: float = 0.1,
        max_depth: int = 6,
        min_child_weight: float = 1.0,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        reg_lambda: float = 1.0,
        n_estimators: int = BOOSTING_MAX_ROUNDS,
        early_stopping_rounds: int = BOOSTING_PATIENCE,
        cat_features: Sequence[int] | None = None,
        class_weight: str | None = None,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_child_weight = min_child_weight
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.n_estimators = n_estimators
        self.early_stopping_rounds = early_stopping_rounds
        self.cat_features = cat_features
        self.class_weight = class_weight
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ what subclasses decide
    def _objective(self) -> dict[str, Any]:
        raise NotImplementedError

    def _encode(self, y: Any) -> np.ndarray:
        return np.asarray(y, dtype=float)

    # --------------------------------------------------------------------------------- fitting
    def _matrix(self, X: Any, y: Any = None, weight: Any = None) -> Any:
        """A DMatrix whose category columns are typed ``c``: the native preprocessor's codes are
        fixed at fit, so no pandas category dtype (whose codes follow the rows at hand) is needed;
        NaN (a missing or unseen category, a missing number) is XGBoost's missing value."""
        import xgboost as xgb

        rows = np.asarray(X, dtype=float)
        categorical = set(self.cat_features or ())
        types = ["c" if i in categorical else "q" for i in range(rows.shape[1])]
        return xgb.DMatrix(rows, label=y, weight=weight, feature_types=types,
                           enable_categorical=bool(categorical), nthread=self.n_jobs)

    def _booster_params(self) -> dict[str, Any]:
        return dict(
            eta=self.learning_rate,
            max_depth=self.max_depth,
            min_child_weight=self.min_child_weight,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            tree_method="hist",
            nthread=self.n_jobs,
            seed=self.random_state,
            verbosity=0,
            **self._objective(),
        )

    def fit(self, X: Any, y: Any, eval_set: tuple[Any, Any] | None = None,
            callbacks: Sequence[Any] = ()) -> _XGBoostModel:
        """Fit on ``X``, ``y``; with ``eval_set`` stop when it has not improved for
        ``early_stopping_rounds`` rounds and keep the rounds up to the best one. ``callbacks``
        (XGBoost's) run after early stopping's, each round."""
        import xgboost as xgb

        labels = self._encode(y)
        weight = None
        if self.class_weight == "balanced":
            from sklearn.utils.class_weight import compute_sample_weight

            weight = compute_sample_weight("balanced", labels)
        evals: list[Any] = []
        steps: list[Any] = []
        if eval_set is not None:
            evals = [(self._matrix(eval_set[0], self._encode(eval_set[1])), "stop")]
            # First: XGBoost's callbacks stop at the first that says so, so a clock after it
            # never cuts a round early stopping has not yet scored. save_best keeps only the
            # rounds up to the best one, which is then all the booster predicts with and saves.
            steps = [xgb.callback.EarlyStopping(rounds=self.early_stopping_rounds, save_best=True)]
        booster = xgb.train(self._booster_params(), self._matrix(X, labels, weight),
                            num_boost_round=self.n_estimators, evals=evals,
                            callbacks=steps + list(callbacks), verbose_eval=False)
        self.booster_ = booster
        self.n_features_in_ = int(np.asarray(X).shape[1])
        self.n_rounds_ = int(booster.num_boosted_rounds())
        return self

    def _raw(self, X: Any) -> np.ndarray:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "booster_")
        return np.asarray(self.booster_.predict(self._matrix(X)))

    # ------------------------------------------------------------------------------- persisting
    def _dump_booster(self, booster: Any) -> bytes:
        return bytes(booster.save_raw(raw_format="ubj"))

    def _load_booster(self, blob: bytes) -> Any:
        import xgboost as xgb

        booster = xgb.Booster(model_file=bytearray(blob))
        booster.set_param({"nthread": self.n_jobs})  # a saved model holds no thread count
        return booster


class XGBoostClassifierModel(ClassIndexClassifierMixin, _XGBoostModel):
    """XGBoost classification on class indices; ``classes_`` maps them back to the labels."""

    def _objective(self) -> dict[str, Any]:
        if len(self.classes_) <= 2:
            return {"objective": "binary:logistic"}
        return {"objective": "multi:softprob", "num_class": len(self.classes_)}

    def fit(self, X: Any, y: Any, eval_set: tuple[Any, Any] | None = None,
            callbacks: Sequence[Any] = ()) -> XGBoostClassifierModel:
        super().fit(X, y, self._learn_classes(y, eval_set), callbacks)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        raw = self._raw(X)
        if raw.ndim == 1:  # binary: the probability of the second class
            return np.column_stack([1.0 - raw, raw])
        return raw


class XGBoostRegressorModel(RegressorMixin, _XGBoostModel):
    """XGBoost regression (squared error)."""

    def _objective(self) -> dict[str, Any]:
        return {"objective": "reg:squarederror"}

    def predict(self, X: Any) -> np.ndarray:
        return self._raw(X).ravel()


def deadline_stop(limit: Deadline, n_estimators: int) -> Any:
    """An XGBoost callback that ends training once ``limit`` passes (checked once per round) and
    records in ``stopped_at`` how many rounds it grew; early stopping keeps the best of them, so a
    fit re-run with ``n_estimators`` set to that count (``--replay``) keeps the same rounds.

    Built on call: XGBoost, an optional extra, is imported only when the family is used.
    """
    from xgboost.callback import TrainingCallback

    class DeadlineStop(TrainingCallback):
        def __init__(self) -> None:
            super().__init__()
            self.stopped_at: int | None = None

        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            if epoch + 1 < n_estimators and limit.past_deadline():
                self.stopped_at = epoch + 1
                return True
            return False

    return DeadlineStop()


@register
class XGBoost(EarlyStoppedCandidate):
    """XGBoost on ordinal category codes (split natively) and raw NaN.

    Boosting rounds are chosen by early stopping on an inner hold-out of the training rows it is
    given (:func:`~trainguard.models.base.inner_split`), never on the rows it is scored on; the
    refit on train+validation then grows that many rounds. Threads follow ``threads_for``.
    """

    name = "xgboost"
    search_rank = 6
    # Opt-in (`--models ...,xgboost`), an extra like catboost: LightGBM, a default family, runs
    # the same kind of histogram boosting.
    by_default = False
    smote_ready = False  # native categories and missing values: SMOTE cannot interpolate them
    inner_validation = True
    grows_to_deadline = True
    description = "XGBoost with native categories and missing values, early-stopped on inner rows"

    @classmethod
    def check_available(cls) -> None:
        if not xgboost_installed():
            raise ConfigError("model 'xgboost' needs the xgboost package, which is not installed",
                              where="--models", fix="pip install 'trainguard[xgboost]'")

    @classmethod
    def search_space(cls, task: str) -> dict[str, Any]:
        """FLAML's space for depth-limited XGBoost (flaml/automl/model.py,
        XGBoostLimitDepthEstimator: depth 1-16, min_child_weight 0.001-128, learning rate
        1/1024-1 and reg_lambda 1/1024-1024 log, subsample 0.1-1, colsample_bytree 0.01-1),
        narrowed to where AutoGluon's portfolio puts its configurations (depth 4-10, learning
        rate 0.007-0.09, min_child_weight 0.56-1.4, colsample_bytree 0.52-0.98); rounds are left
        to early stopping."""
        return {
            "learning_rate": {"type": "float", "low": 0.005, "high": 0.3, "log": True,
                              "grid": [0.02, 0.05, 0.1]},
            "max_depth": {"type": "int", "low": 3, "high": 10, "grid": [4, 6, 8, 10]},
            "min_child_weight": {"type": "float", "low": 0.1, "high": 20.0, "log": True,
                                 "grid": [0.5, 1.0, 5.0]},
            "subsample": {"type": "float", "low": 0.5, "high": 1.0, "grid": [0.7, 1.0]},
            "colsample_bytree": {"type": "float", "low": 0.4, "high": 1.0, "grid": [0.5, 0.7, 1.0]},
            "reg_lambda": {"type": "float", "low": 1 / 1024, "high": 1024.0, "log": True,
                           "grid": [0.1, 1.0, 10.0]},
        }

    @classmethod
    def portfolio(cls, task: str) -> list[dict[str, Any]]:
        """AutoGluon's XGBoost configurations (``autogluon.tabular.configs.zeroshot``,
        ``zeroshot_portfolio_2023.py``, the zero-shot portfolio learned on TabRepo's 200 datasets,
        Salinas & Erickson 2023): XGB_r89, XGB_r194 and XGB_r33, its three highest-priority
        learned ones after the defaults; cheapest (shallowest trees) first. Their
        ``enable_categorical`` is dropped: categories here are always split natively."""
        return [
            {"max_depth": 5, "learning_rate": 0.0878, "min_child_weight": 0.629,
             "colsample_bytree": 0.663},  # XGB_r89
            {"max_depth": 7, "learning_rate": 0.0929, "min_child_weight": 0.804,
             "colsample_bytree": 0.909},  # XGB_r194
            {"max_depth": 10, "learning_rate": 0.0181, "min_child_weight": 0.603,
             "colsample_bytree": 0.692},  # XGB_r33
        ]

    def build(self) -> Pipeline:
        self.check_available()
        preprocess = build_preprocessor(
            self.context.schema, scale=False, categorical="native", native_missing=True
        )
        model_class = XGBoostRegressorModel if self.context.task == "regression" else XGBoostClassifierModel
        return Pipeline([("preprocess", preprocess), ("model", model_class(random_state=self.context.seed))])

    def _prepare_model(self, model: Any, preprocess: Any) -> None:
        mask = native_categorical_mask(preprocess, self.context.schema)
        model.set_params(cat_features=[i for i, is_cat in enumerate(mask) if is_cat])

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
        # Boosting rounds are not epochs: the search prunes this family per fold.
        model.set_params(n_jobs=threads_for(self.context.n_jobs, len(y)))
        stops = Xv is not None and y_val is not None
        clock = deadline_stop(limit, model.n_estimators) if limit is not None and stops else None
        model.fit(Xt, y, eval_set=(Xv, y_val) if stops else None, callbacks=[clock] if clock else [])
        # Read by grown_length (EarlyStoppedCandidate's).
        model.deadline_rounds_ = clock.stopped_at if clock is not None else None

    def _freeze_length(self, fresh: Any, selected: Any) -> None:
        fresh.set_params(n_estimators=selected.n_rounds_)

    def params(self, fitted: Any) -> dict[str, Any]:
        params = super().params(fitted)
        params["n_estimators_"] = fitted_model(unwrap(fitted)[0]).n_rounds_
        return params
