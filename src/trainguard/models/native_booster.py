"""Small scikit-learn estimators around a boosting library's own booster, saved as its own bytes.

skops cannot save CatBoost's or XGBoost's estimators safely (their state is a C++ object, or a
pickle of one), so those families' pipelines end in a :class:`SavedBoosterModel`: settings plus
the fitted booster in the library's own model format, which loading hands to that library's
parser as data. Nothing in the file names code to run.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


class SavedBoosterModel(BaseEstimator):
    """An estimator whose fitted booster (``booster_``) is saved as the bytes of its own format."""

    #: The key under which the saved state holds the booster's bytes.
    saved_as: ClassVar[str]

    def _dump_booster(self, booster: Any) -> bytes:
        raise NotImplementedError

    def _load_booster(self, blob: bytes) -> Any:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())  # a copy: Python's default returns __dict__ itself
        booster = state.pop("booster_", None)
        if booster is not None:
            state[self.saved_as] = self._dump_booster(booster)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        blob = state.pop(self.saved_as, None)
        super().__setstate__(state)
        if blob is not None:
            if not isinstance(blob, bytes):
                raise TypeError(f"a saved {type(self).__name__} holds bytes, not {type(blob).__name__}")
            self.booster_ = self._load_booster(blob)


def rows_of_known_classes(classes: np.ndarray, X: Any, y: Any) -> tuple[Any, np.ndarray] | None:
    """The rows of ``X``, ``y`` whose class is in ``classes``; None when there are none.

    Early-stopping rows are scored on class indices: a class only they hold (a rare class the fit
    rows missed) has no index, so stopping uses the other rows.
    """
    labels = np.asarray(y)
    known = np.isin(labels, classes)
    if not known.any():
        return None
    return (X if known.all() else np.asarray(X)[known]), labels[known]


class ClassIndexClassifierMixin(ClassifierMixin):
    """Classification on class indices 0..k-1, which the boosters take; ``classes_`` maps them back.

    Put before the :class:`SavedBoosterModel` subclass in the bases, so :meth:`_encode` wins.
    """

    classes_: np.ndarray

    def _learn_classes(self, y: Any, eval_set: tuple[Any, Any] | None) -> tuple[Any, Any] | None:
        """Set ``classes_`` from ``y``; ``eval_set`` kept to :func:`rows_of_known_classes`."""
        self.classes_ = np.unique(np.asarray(y))
        return None if eval_set is None else rows_of_known_classes(self.classes_, *eval_set)

    def _encode(self, y: Any) -> np.ndarray:
        return np.searchsorted(self.classes_, np.asarray(y))

    def predict_proba(self, X: Any) -> np.ndarray:
        raise NotImplementedError

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
