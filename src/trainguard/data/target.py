"""The target column: find it, clean it, and decide what kind of task it makes.

The task decides the split (stratified or not), the candidate models and the metric, so it is
printed with its reason and can be overridden with ``--task``.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from trainguard.data.schema import as_category_labels
from trainguard.errors import ConfigError, DataError
from trainguard.findings import shown

Task = Literal["binary", "multiclass", "regression"]
TASKS: tuple[Task, ...] = ("binary", "multiclass", "regression")
# Whole-number targets with at most this many values are treated as classes.
MAX_INTEGER_CLASSES = 20


@dataclass
class Target:
    """The cleaned target and what was decided about it."""

    name: str
    task: Task
    reason: str
    values: pd.Series  # one value per kept row; index aligned with the kept rows
    kept_rows: np.ndarray  # positions in the original data of the rows with a target
    n_dropped: int

    @property
    def classes(self) -> list[Any] | None:
        if self.task == "regression":
            return None
        return sorted(pd.unique(self.values).tolist())


def find_target_column(frame: pd.DataFrame, name: str, where: str) -> None:
    if name in frame.columns:
        return
    names = [str(c) for c in frame.columns]
    lowered = {c.lower(): c for c in names}
    close = [lowered[name.lower()]] if name.lower() in lowered else get_close_matches(name, names, n=3)
    fix = (
        f"did you mean --target {close[0]}?" if close
        else f"pass one of the columns with --target: {', '.join(names[:15])}"
    )
    raise DataError(f"target column {name!r} is not in the data", where=where, fix=fix)


def infer_task(values: pd.Series) -> tuple[Task, str]:
    """Binary, multiclass or regression, with the reason shown to the user."""
    n_unique = values.nunique()
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        if n_unique == 2:
            return "binary", "two labels"
        return "multiclass", f"{n_unique} labels"
    if n_unique == 2:
        return "binary", "two values"
    finite = values.to_numpy(dtype=float)
    if np.all(np.mod(finite, 1) == 0) and n_unique <= MAX_INTEGER_CLASSES:
        return "multiclass", (
            f"{n_unique} whole-number values; pass --task regression if they are amounts"
        )
    return "regression", "numbers"


def _clean_labels(values: pd.Series) -> pd.Series:
    """Class labels with one consistent type, so sorting and JSON round-trips work."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    if pd.api.types.is_numeric_dtype(values):
        as_float = values.astype(float)
        if as_float.mod(1).eq(0).all():
            return as_float.astype(np.int64)
        return as_float
    return as_category_labels(values)


def prepare_target(
    frame: pd.DataFrame, name: str, *, task: str | None = None, where: str = "data"
) -> Target:
    """Validate the target column, drop rows without a target, and settle the task."""
    find_target_column(frame, name, where)
    column = frame[name]
    if column.ndim != 1:
        raise DataError(f"the column name {name!r} appears more than once", where=where,
                        fix="give every column a distinct name")
    present = column.notna()
    if not present.any():
        raise DataError(f"target column {name!r} has no values (all missing)", where=where,
                        fix="choose a column that holds the outcome to predict")
    kept_rows = np.flatnonzero(present.to_numpy())
    values = column[present]
    if values.nunique() < 2:
        raise DataError(
            f"target column {name!r} has a single value ({shown(values.iloc[0])}) in every row",
            where=where,
            fix="a model needs at least two outcomes to learn from: choose another target",
        )
    if task is not None and task not in TASKS:
        raise ConfigError(f"unknown task {task!r}", where="--task", fix=f"use one of {', '.join(TASKS)}")
    if task is None:
        chosen, reason = infer_task(values)
    else:
        chosen, reason = cast(Task, task), "set with --task"
    if chosen == "regression":
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.isna().any() or pd.api.types.is_bool_dtype(values):
            bad = values[numeric.isna()].head(3).tolist()
            raise DataError(
                f"regression needs a numeric target, but {name!r} holds values such as {bad!r}",
                where=where,
                fix="use --task binary or --task multiclass, or clean the column",
            )
        if not np.isfinite(numeric.to_numpy(dtype=float)).all():
            raise DataError(f"target column {name!r} holds infinite values", where=where,
                            fix="remove or correct the rows with inf/-inf targets")
        cleaned = numeric.astype(float)
    else:
        cleaned = _clean_labels(values)
        n_classes = cleaned.nunique()
        if chosen == "binary" and n_classes != 2:
            raise ConfigError(f"--task binary needs exactly 2 classes, {name!r} has {n_classes}",
                              where="--task", fix="use --task multiclass")
    return Target(
        name=name,
        task=chosen,
        reason=reason,
        values=cleaned.reset_index(drop=True),
        kept_rows=kept_rows,
        n_dropped=int(len(column) - len(kept_rows)),
    )
