"""The CatBoost candidate: symmetric-tree boosting with native categories (ordered target statistics).

CatBoost is an optional extra (``pip install 'trainguard[catboost]'``: a 97 MB wheel that also
pulls in matplotlib, plotly and graphviz), so the family joins the default set only where it is
installed, and naming it in ``--models`` without it is refused with the install command.

skops cannot save CatBoost's own estimators (their state is a C++ object), so the pipeline's model
step is :class:`CatBoostClassifierModel` / :class:`CatBoostRegressorModel`: small scikit-learn
estimators (:class:`~trainguard.models.native_booster.SavedBoosterModel`) whose saved state is
their settings plus the booster in CatBoost's own binary format (``.cbm`` bytes), which loading
parses as data. Nothing in the file names code to run.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin
from sklearn.pipeline import Pipeline

from trainguard.errors import ConfigError
from trainguard.features.preprocess import build_preprocessor, native_categorical_mask
from trainguard.models.base import EarlyStoppedCandidate, fitted_model, register, unwrap
from trainguard.models.candidates import BOOSTING_MAX_ROUNDS, BOOSTING_PATIENCE
from trainguard.models.native_booster import ClassIndexClassifierMixin, SavedBoosterModel
from trainguard.models.threads import threads_for

#: The category code the native preprocessor's NaN (a missing or unseen category) becomes:
#: CatBoost's categorical features must be whole numbers or strings.
UNKNOWN_CATEGORY = -1


def catboost_installed() -> bool:
    return importlib.util.find_spec("catboost") is not None


class _CatBoostModel(SavedBoosterModel):
    """Settings of one CatBoost fit (names as in CatBoost), the fitted booster in ``booster_``."""

    saved_as = "booster_cbm_"

    def __init__(
        self,
        *,
        learning_rate: float = 0.05,
        depth: int = 6,
        l2_leaf_reg: float = 3.0,
        grow_policy: str = "SymmetricTree",
        max_ctr_complexity: int = 4,
        one_hot_max_size: int = 2,
        iterations: int = BOOSTING_MAX_ROUNDS,
        early_stopping_rounds: int = BOOSTING_PATIENCE,
        cat_features: Sequence[int] | None = None,
        class_weight: str | None = None,
        thread_count: int = 1,
        random_seed: int = 0,
    ) -> None:
        self.learning_rate = learning_rate
        self.depth = depth
        self.l2_leaf_reg = l2_leaf_reg
        self.grow_policy = grow_policy
        self.max_ctr_complexity = max_ctr_complexity
        self.one_hot_max_size = one_hot_max_size
        self.iterations = iterations
        self.early_stopping_rounds = early_stopping_rounds
        self.cat_features = cat_features
        self.class_weight = class_weight
        self.thread_count = thread_count
        self.random_seed = random_seed

    # ------------------------------------------------------------------ what subclasses decide
    def _booster_class(self) -> Any:
        raise NotImplementedError

    def _encode(self, y: Any) -> np.ndarray:
        return np.asarray(y, dtype=float)

    # --------------------------------------------------------------------------------- fitting
    def _booster_params(self) -> dict[str, Any]:
        params: dict[str, Any] = dict(
            learning_rate=self.learning_rate,
            depth=self.depth,
            l2_leaf_reg=self.l2_leaf_reg,
            grow_policy=self.grow_policy,
            max_ctr_complexity=self.max_ctr_complexity,
            one_hot_max_size=self.one_hot_max_size,
            iterations=self.iterations,
            thread_count=self.thread_count,
            random_seed=self.random_seed,
            allow_writing_files=False,  # no catboost_info/ folder in the user's working directory
            logging_level="Silent",
        )
        if self.class_weight == "balanced":
            params["auto_class_weights"] = "Balanced"
        return params

    def _pool(self, X: Any, y: Any = None) -> Any:
        from catboost import Pool

        frame = pd.DataFrame(np.asarray(X, dtype=float))
        categorical = list(self.cat_features or ())
        for column in categorical:
            frame[column] = frame[column].fillna(UNKNOWN_CATEGORY).astype(np.int64)
        return Pool(frame, label=y, cat_features=categorical or None)

    def fit(self, X: Any, y: Any, eval_set: tuple[Any, Any] | None = None) -> _CatBoostModel:
        """Fit on ``X``, ``y``; with ``eval_set`` stop when it has not improved for
        ``early_stopping_rounds`` rounds and keep the best round."""
        booster = self._booster_class()(**self._booster_params())
        train = self._pool(X, self._encode(y))
        if eval_set is not None:
            booster.fit(train, eval_set=self._pool(eval_set[0], self._encode(eval_set[1])),
                        early_stopping_rounds=self.early_stopping_rounds, use_best_model=True)
        else:
            booster.fit(train)
        self.booster_ = booster
        self.n_features_in_ = int(np.asarray(X).shape[1])
        self.tree_count_ = int(booster.tree_count_)
        return self

    def _raw(self, X: Any, kind: str) -> np.ndarray:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "booster_")
        return np.asarray(self.booster_.predict(self._pool(X), prediction_type=kind))

    # ------------------------------------------------------------------------------- persisting
    def _dump_booster(self, booster: Any) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.cbm")
            booster.save_model(path, format="cbm")
            with open(path, "rb") as file:
                return file.read()

    def _load_booster(self, blob: bytes) -> Any:
        booster = self._booster_class()()
        booster.load_model(blob=blob, format="cbm")
        return booster


class CatBoostClassifierModel(ClassIndexClassifierMixin, _CatBoostModel):
    """CatBoost classification on class indices; ``classes_`` maps them back to the labels."""

    def _booster_class(self) -> Any:
        from catboost import CatBoostClassifier

        return CatBoostClassifier

    def fit(self, X: Any, y: Any, eval_set: tuple[Any, Any] | None = None) -> CatBoostClassifierModel:
        super().fit(X, y, self._learn_classes(y, eval_set))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        proba = self._raw(X, "Probability")
        return proba.reshape(len(proba), -1)


class CatBoostRegressorModel(RegressorMixin, _CatBoostModel):
    """CatBoost regression (RMSE loss)."""

    def _booster_class(self) -> Any:
        from catboost import CatBoostRegressor

        return CatBoostRegressor

    def predict(self, X: Any) -> np.ndarray:
        return self._raw(X, "RawFormulaVal").ravel()


@register
class CatBoost(EarlyStoppedCandidate):
    """CatBoost on ordinal category codes, which it encodes itself with ordered target statistics.

    Boosting rounds are chosen by early stopping on an inner hold-out of the training rows it is
    given (:func:`~trainguard.models.base.inner_split`), never on the rows it is scored on; the
    refit on train+validation then grows that many trees. Threads follow ``threads_for``.
    """

    name = "catboost"
    search_rank = 7
    # Opt-in (`--models ...,catboost`): on small tables its fits cost several times LightGBM's (penguins:
    # the default run went from 64 s to 112 s with it) for no gain there; it does not grow to a deadline yet.
    by_default = False
    smote_ready = False  # native categories and missing values: SMOTE cannot interpolate them
    inner_validation = True
    description = "CatBoost with native categories and missing values, early-stopped on inner rows"

    @classmethod
    def check_available(cls) -> None:
        if not catboost_installed():
            raise ConfigError("model 'catboost' needs the catboost package, which is not installed",
                              where="--models", fix="pip install 'trainguard[catboost]'")

    @classmethod
    def search_space(cls, task: str) -> dict[str, Any]:
        """FLAML's learning-rate range for CatBoost (flaml/automl/model.py, CatBoostEstimator:
        0.005-0.2, log), and the tree and encoding settings AutoGluon's zero-shot portfolio
        varies, over the ranges its configurations span; rounds are left to early stopping."""
        return {
            "learning_rate": {"type": "float", "low": 0.005, "high": 0.2, "log": True,
                              "grid": [0.02, 0.05, 0.1]},
            "depth": {"type": "int", "low": 4, "high": 8, "grid": [4, 6, 8]},
            "l2_leaf_reg": {"type": "float", "low": 1.0, "high": 10.0, "log": True, "grid": [1.0, 3.0, 10.0]},
            "grow_policy": {"type": "categorical", "choices": ["SymmetricTree", "Depthwise"]},
            "max_ctr_complexity": {"type": "int", "low": 1, "high": 5, "grid": [1, 4]},
            "one_hot_max_size": {"type": "int", "low": 2, "high": 10, "grid": [2, 10]},
        }

    @classmethod
    def portfolio(cls, task: str) -> list[dict[str, Any]]:
        """AutoGluon's CatBoost configurations (``autogluon.tabular.configs.zeroshot``,
        ``zeroshot_portfolio_2023.py``, the zero-shot portfolio learned on TabRepo's 200 datasets,
        Salinas & Erickson 2023): CAT_r137, CAT_r177 and CAT_r9, its three highest-priority
        learned ones after the defaults; cheapest (shallowest trees) first."""
        return [
            {"depth": 4, "grow_policy": "SymmetricTree", "l2_leaf_reg": 4.559, "learning_rate": 0.0494,
             "max_ctr_complexity": 3, "one_hot_max_size": 3},  # CAT_r137
            {"depth": 6, "grow_policy": "SymmetricTree", "l2_leaf_reg": 2.154, "learning_rate": 0.0686,
             "max_ctr_complexity": 4, "one_hot_max_size": 10},  # CAT_r177
            {"depth": 8, "grow_policy": "Depthwise", "l2_leaf_reg": 2.800, "learning_rate": 0.0314,
             "max_ctr_complexity": 2, "one_hot_max_size": 3},  # CAT_r9
        ]

    def build(self) -> Pipeline:
        self.check_available()
        preprocess = build_preprocessor(
            self.context.schema, scale=False, categorical="native", native_missing=True
        )
        model_class = CatBoostRegressorModel if self.context.task == "regression" else CatBoostClassifierModel
        return Pipeline([("preprocess", preprocess), ("model", model_class(random_seed=self.context.seed))])

    def _prepare_model(self, model: Any, preprocess: Any) -> None:
        mask = native_categorical_mask(preprocess, self.context.schema)
        model.set_params(cat_features=[i for i, is_cat in enumerate(mask) if is_cat])

    def _fit_model(self, model: Any, Xt: Any, y: pd.Series, Xv: Any | None, y_val: pd.Series | None,
                   epoch_callbacks: Sequence[Any] = ()) -> None:
        # Boosting rounds are not epochs: the search prunes this family per fold.
        model.set_params(thread_count=threads_for(self.context.n_jobs, len(y)))
        model.fit(Xt, y, eval_set=(Xv, y_val) if Xv is not None and y_val is not None else None)

    def _freeze_length(self, fresh: Any, selected: Any) -> None:
        fresh.set_params(iterations=selected.tree_count_)

    def params(self, fitted: Any) -> dict[str, Any]:
        params = super().params(fitted)
        params["iterations_"] = fitted_model(unwrap(fitted)[0]).tree_count_
        return params
