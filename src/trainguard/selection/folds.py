"""Cross-validation folds over the training rows, matched to how the data was split.

The folds must respect the same structure as the train/validation/test split, or the CV score
is optimistic in exactly the way the split avoids: stratified folds for classes, whole groups
per fold with ``--group``, and only-the-past-predicts-the-future folds with ``--time``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    TimeSeriesSplit,
)

from trainguard.errors import ConfigError

#: ``--cv auto``: 5-fold CV below 10,000 training rows, 3-fold below 50,000, and the validation
#: rows above that (where one hold-out of tens of thousands of rows is already a precise estimate
#: and K fits cost K times as much).
AUTO_CV_MAX_ROWS = 50_000
AUTO_FOLDS = 5
AUTO_FOLDS_LARGE = 3
AUTO_LARGE_ROWS = 10_000

Folds = list[tuple[np.ndarray, np.ndarray]]


def parse_cv(value: Any) -> int | str:
    """``--cv``: ``auto``, 0 (score on the validation rows) or a number of folds >= 2."""
    text = str(value).strip().lower()
    if text == "auto":
        return "auto"
    try:
        folds = int(text)
    except ValueError:
        folds = -1
    if folds == 0 or folds >= 2:
        return folds
    raise ConfigError(f"--cv must be 'auto', 0 or a number of folds of at least 2, got {value!r}",
                      where="--cv",
                      fix="pass e.g. --cv 5 (5-fold CV) or --cv 0 (score on the validation rows)")


def resolve_folds(cv: int | str, n_train: int) -> int:
    if cv == "auto":
        if n_train >= AUTO_CV_MAX_ROWS:
            return 0
        return AUTO_FOLDS if n_train < AUTO_LARGE_ROWS else AUTO_FOLDS_LARGE
    return int(cv)


def make_folds(
    n_splits: int,
    *,
    classification: bool,
    y: pd.Series,
    groups: pd.Series | None = None,
    times: pd.Series | None = None,
    seed: int = 0,
) -> Folds:
    """``n_splits`` (train positions, held-out positions) pairs over ``len(y)`` training rows."""
    n = len(y)
    X_dummy = np.zeros((n, 1))
    if times is not None:
        # Order the rows by time; each fold trains on the past and is scored on what follows.
        order = np.argsort(pd.to_numeric(pd.Series(times).reset_index(drop=True), errors="coerce")
                           .to_numpy(), kind="stable")
        splitter = TimeSeriesSplit(n_splits=n_splits)
        return [(order[tr], order[va]) for tr, va in splitter.split(X_dummy)]
    labels = np.asarray(y)
    if groups is not None:
        group_values = np.asarray(groups)
        n_groups = len(pd.unique(group_values))
        if n_groups < n_splits:
            raise _too_few(f"{n_groups} groups in the training rows", n_splits)
        if classification:
            splitter: Any = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        else:
            splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        return list(splitter.split(X_dummy, labels, group_values))
    if classification:
        smallest = int(pd.Series(labels).value_counts().min())
        if smallest < n_splits:
            raise _too_few(f"the rarest class has {smallest} training rows", n_splits)
        return list(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(X_dummy, labels))
    if n < 2 * n_splits:
        raise _too_few(f"{n} training rows", n_splits)
    return list(KFold(n_splits, shuffle=True, random_state=seed).split(X_dummy))


def _too_few(what: str, n_splits: int) -> ConfigError:
    return ConfigError(f"{what}: too few for {n_splits}-fold cross-validation", where="--cv",
                       fix="pass a smaller --cv, or --cv 0 to score on the validation rows")
