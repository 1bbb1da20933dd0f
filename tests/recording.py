"""Candidates that record which rows (index labels) they are fit on or shown, for leak tests."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from trainguard.features.preprocess import build_preprocessor
from trainguard.models.base import Candidate

SEEN: list[tuple[str, np.ndarray]] = []


class Recorder(TransformerMixin, BaseEstimator):
    """Passes rows through and records which data rows (index labels) it was fit on or shown."""

    def fit(self, X, y=None):
        SEEN.append(("fit", np.asarray(X.index)))
        return self

    def transform(self, X):
        SEEN.append(("transform", np.asarray(X.index)))
        return X


class Recording(Candidate):
    name = "recording"
    description = "logistic regression that records the rows it sees"

    @classmethod
    def search_space(cls, task):
        return {"C": {"type": "float", "low": 0.01, "high": 10, "log": True}}

    def build(self):
        preprocess = Pipeline(
            [
                ("record", Recorder()),
                ("encode", build_preprocessor(self.context.schema, scale=True, categorical="onehot")),
            ]
        )
        return Pipeline([("preprocess", preprocess), ("model", LogisticRegression(max_iter=1000))])
