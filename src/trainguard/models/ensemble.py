"""A weighted average of fitted candidates: what greedy ensemble selection chooses.

The weights are chosen by :mod:`trainguard.selection.ensemble` on out-of-fold predictions of the
training rows; this module only holds the result, predicts with it and refits it, so that an
ensemble is saved, loaded and refit like any other model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from trainguard.models.base import Candidate, Deadline, ModelContext, RowKeys
from trainguard.models.predictions import predictions


class WeightedEnsemble(BaseEstimator):
    """Averages its members' class probabilities (classification) or predictions (regression).

    ``estimators`` are ``(name, estimator)`` pairs and ``weights`` their non-negative weights
    (normalised to sum to one). ``fit`` fits clones of the members, as scikit-learn's
    ``VotingClassifier`` does; :meth:`from_fitted` wraps members that are already fitted.
    """

    def __init__(
        self,
        estimators: Sequence[tuple[str, Any]] = (),
        weights: Sequence[float] = (),
        regression: bool = False,
    ) -> None:
        self.estimators = estimators
        self.weights = weights
        self.regression = regression

    @classmethod
    def from_fitted(
        cls, estimators: Sequence[tuple[str, Any]], weights: Sequence[float], classes: Any | None
    ) -> WeightedEnsemble:
        ensemble = cls(list(estimators), list(weights), regression=classes is None)
        ensemble._set_fitted([e for _, e in estimators], classes)
        return ensemble

    def _set_fitted(self, fitted: list[Any], classes: Any | None) -> None:
        weights = np.asarray(self.weights, dtype=float)
        if len(weights) != len(fitted) or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError("an ensemble needs one non-negative weight per member, not all zero")
        self.estimators_ = fitted
        self.weights_ = weights / weights.sum()
        if classes is not None:
            self.classes_ = np.asarray(classes)

    def fit(self, X: Any, y: Any) -> WeightedEnsemble:
        fitted = [clone(e).fit(X, y) for _, e in self.estimators]
        self._set_fitted(fitted, None if self.regression else np.unique(np.asarray(y)))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimators_")
        if self.regression:
            raise AttributeError("a regression ensemble predicts values, not probabilities")
        return sum(
            w * predictions(e, X, self.classes_) for w, e in zip(self.weights_, self.estimators_, strict=True)
        )

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimators_")
        if self.regression:
            return sum(
                w * np.asarray(e.predict(X), dtype=float)
                for w, e in zip(self.weights_, self.estimators_, strict=True)
            )
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class EnsembleCandidate(Candidate):
    """The leaderboard's ``ensemble`` row: members (candidates with their chosen settings) and
    weights. Not registered: it exists only when a search found members worth averaging."""

    name = "ensemble"
    description = "a weighted average of the searched models (greedy ensemble selection)"
    target_transform_ready = False  # its members predict on the original scale already

    def __init__(
        self, context: ModelContext, members: Sequence[Candidate] = (), weights: Sequence[float] = ()
    ) -> None:
        super().__init__(context)
        self.members = list(members)
        self.weights = list(weights)

    def build(self) -> Pipeline:
        raise TypeError("an ensemble is made of fitted members, not built; see WeightedEnsemble")

    def current_params(self) -> dict[str, Any]:
        return {}

    def assemble(self, fitted: Sequence[Any]) -> WeightedEnsemble:
        classes = None
        if self.context.task != "regression":
            classes = np.unique(np.concatenate([np.asarray(f.classes_) for f in fitted]))
        return WeightedEnsemble.from_fitted(
            [(m.name, f) for m, f in zip(self.members, fitted, strict=True)], self.weights, classes
        )

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
    ) -> WeightedEnsemble:
        return self.assemble([m.fit(X, y, X_val, y_val, row_keys=row_keys) for m in self.members])

    def refit(self, selected: Any, X: pd.DataFrame, y: pd.Series) -> WeightedEnsemble:
        """Each member refit on the rows given as its own family refits (frozen lengths kept)."""
        return self.assemble(
            [m.refit(f, X, y) for m, f in zip(self.members, selected.estimators_, strict=True)]
        )

    def params(self, fitted: Any) -> dict[str, Any]:
        return {
            "members": {
                m.name: round(float(w), 4) for m, w in zip(self.members, fitted.weights_, strict=True)
            }
        }
