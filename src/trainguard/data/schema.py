"""Column roles, and the schema that ties training data to the data a model later scores.

A column's *role* decides how it is preprocessed (scaled, one-hot encoded, split into date parts,
vectorised as text, or left out as an identifier). Roles are inferred from the values, printed so
the user can see them, and overridable. The resulting :class:`Schema` is saved in the run's
manifest: ``trainguard predict`` uses it to read new data exactly the way the training data was
read, and to say precisely which column does not fit.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from trainguard.errors import ConfigError, DataError, SchemaMismatchError

# Categories remembered per column in the manifest, to count unseen categories at predict time.
# Beyond this the column is high-cardinality and the encoder groups rare values anyway.
MAX_STORED_CATEGORIES = 1000
# An identifier needs enough rows before "unique per row" means anything.
MIN_ROWS_FOR_ID = 20
# Share of non-missing string values that must parse as dates before a column is a datetime.
DATETIME_PARSE_SHARE = 0.95
TRUE_WORDS = frozenset({"true", "yes", "y", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "f"})
_DATE_SHAPE = re.compile(r"\d{1,4}[-/.:T ]\d{1,2}")


class Role(StrEnum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    ID = "id"


FEATURE_ROLES = (Role.NUMERIC, Role.CATEGORICAL, Role.BOOLEAN, Role.DATETIME, Role.TEXT)


@dataclass
class ColumnSpec:
    """How one input column is read and used; stored in the manifest."""

    name: str
    role: Role
    dtype: str
    reason: str
    n_missing: int = 0
    n_unique: int = 0
    # Categorical: the values seen in training rows. Boolean: [false_value, true_value].
    categories: list[Any] | None = None

    @property
    def is_feature(self) -> bool:
        return self.role in FEATURE_ROLES

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["role"] = str(self.role)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnSpec:
        return cls(**{**data, "role": Role(data["role"])})


@dataclass
class Schema:
    """The input columns a model expects, in order, with their roles."""

    columns: list[ColumnSpec] = field(default_factory=list)

    def __getitem__(self, name: str) -> ColumnSpec:
        for spec in self.columns:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def feature_names(self) -> list[str]:
        return [c.name for c in self.columns if c.is_feature]

    def by_role(self, role: Role) -> list[str]:
        return [c.name for c in self.columns if c.role == role]

    def to_dict(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.columns]

    @classmethod
    def from_dict(cls, data: Iterable[dict[str, Any]]) -> Schema:
        return cls([ColumnSpec.from_dict(d) for d in data])


# --------------------------------------------------------------------------------------------
# Inference
# --------------------------------------------------------------------------------------------


def _is_string_like(series: pd.Series) -> bool:
    return (
        pd.api.types.is_object_dtype(series)
        or pd.api.types.is_string_dtype(series)
        or isinstance(series.dtype, pd.CategoricalDtype)
    )


def _integer_valued(values: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(values):
        return True
    if not pd.api.types.is_float_dtype(values):
        return False
    finite = values[np.isfinite(values.to_numpy(dtype=float))]
    return bool(len(finite)) and bool(np.all(np.mod(finite, 1) == 0))


def parse_datetimes(values: pd.Series) -> pd.Series:
    """Parse strings as datetimes the same way at training and predict time."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed


def _looks_like_datetime(values: pd.Series) -> bool:
    sample = values.dropna().astype(str).head(500)
    if sample.empty or not sample.str.contains(_DATE_SHAPE).mean() >= DATETIME_PARSE_SHARE:
        return False
    return parse_datetimes(sample).notna().mean() >= DATETIME_PARSE_SHARE


def _infer_numeric(values: pd.Series, n_rows: int) -> tuple[Role, str]:
    uniques = values.dropna().unique()
    if len(uniques) <= 2 and set(np.asarray(uniques, dtype=float).tolist()) <= {0.0, 1.0}:
        return Role.BOOLEAN, "numbers 0/1 only"
    if (
        n_rows >= MIN_ROWS_FOR_ID
        and values.notna().all()
        and len(uniques) == n_rows
        and _integer_valued(values)
        and (values.is_monotonic_increasing or values.is_monotonic_decreasing)
    ):
        return Role.ID, "unique whole number per row, in order: a row counter"
    return Role.NUMERIC, "numbers"


def _infer_string(values: pd.Series, n_rows: int) -> tuple[Role, str]:
    present = values.dropna().astype(str)
    uniques = present.unique()
    lowered = {u.strip().lower() for u in uniques}
    if len(lowered) == 2 and lowered <= TRUE_WORDS | FALSE_WORDS:
        return Role.BOOLEAN, "two yes/no values"
    if _looks_like_datetime(values):
        return Role.DATETIME, "values parse as dates"
    words = present.str.split().str.len()
    if len(uniques) > 0.5 * max(len(present), 1) and len(present) and words.mean() >= 3:
        return Role.TEXT, f"free text (about {words.mean():.0f} words per value)"
    if (
        n_rows >= MIN_ROWS_FOR_ID
        and len(uniques) == n_rows
        and not present.str.contains(r"\s").any()
    ):
        return Role.ID, "a distinct code on every row (an identifier)"
    return Role.CATEGORICAL, f"{len(uniques)} distinct labels"


def infer_role(values: pd.Series) -> tuple[Role, str]:
    """Guess a column's role from its values, with the reason shown to the user."""
    n_rows = len(values)
    if pd.api.types.is_bool_dtype(values):
        return Role.BOOLEAN, "true/false values"
    if pd.api.types.is_datetime64_any_dtype(values):
        return Role.DATETIME, "datetime values"
    if isinstance(values.dtype, pd.CategoricalDtype):
        return Role.CATEGORICAL, "a categorical dtype"
    if pd.api.types.is_numeric_dtype(values):
        return _infer_numeric(values, n_rows)
    if _is_string_like(values):
        if values.notna().sum() == 0:
            return Role.NUMERIC, "empty column"
        return _infer_string(values, n_rows)
    return Role.CATEGORICAL, f"values of dtype {values.dtype}"


def _check_named_columns(frame: pd.DataFrame, names: Sequence[str], option: str) -> None:
    from difflib import get_close_matches

    for name in names:
        if name not in frame.columns:
            close = get_close_matches(name, [str(c) for c in frame.columns], n=3)
            fix = f"did you mean {', '.join(repr(c) for c in close)}?" if close else (
                f"use one of the columns: {', '.join(map(str, frame.columns[:20]))}"
            )
            raise ConfigError(f"column {name!r} is not in the data", where=option, fix=fix)


def _boolean_categories(values: pd.Series) -> list[Any]:
    """[false_value, true_value], so predict maps the same labels the same way."""
    uniques = list(pd.unique(values.dropna()))
    if pd.api.types.is_bool_dtype(values):
        return [False, True]
    if pd.api.types.is_numeric_dtype(values):
        return [0, 1]
    by_word = {str(u).strip().lower(): u for u in uniques}
    false = next((by_word[w] for w in by_word if w in FALSE_WORDS), None)
    true = next((by_word[w] for w in by_word if w in TRUE_WORDS), None)
    return [false, true]


def _categories(values: pd.Series) -> list[Any] | None:
    labels = as_category_labels(values).dropna().unique().tolist()
    if len(labels) > MAX_STORED_CATEGORIES:
        return None
    return sorted(labels)


def infer_schema(
    frame: pd.DataFrame,
    *,
    target: str,
    categorical: Sequence[str] = (),
    drop: Sequence[str] = (),
    ids: Sequence[str] = (),
    group: str | None = None,
    time: str | None = None,
) -> Schema:
    """Infer every column's role, apply the user's overrides, and describe why.

    ``drop`` columns are left out entirely; ``ids`` and the ``group`` column are kept (for
    output and splitting) but never used as features, because a per-row or per-group key lets
    a model memorise rows instead of learning.
    """
    for option, names in (
        ("--categorical", categorical),
        ("--drop", drop),
        ("--id", ids),
        ("--group", [group] if group else []),
        ("--time", [time] if time else []),
    ):
        _check_named_columns(frame, names, option)
        if target in names:
            raise ConfigError(
                f"the target column {target!r} cannot also be named in {option}",
                where=option,
                fix=f"remove {target!r} from {option}",
            )
    specs: list[ColumnSpec] = []
    for name in frame.columns:
        if name == target or name in drop:
            continue
        values = frame[name]
        if name in ids:
            role, reason = Role.ID, "named with --id"
        elif name == group:
            role, reason = Role.ID, "the --group column: used to split, not as a feature"
        elif name in categorical:
            role, reason = Role.CATEGORICAL, "named with --categorical"
        elif name == time:
            role, reason = Role.DATETIME, "the --time column"
        else:
            role, reason = infer_role(values)
        spec = ColumnSpec(
            name=str(name),
            role=role,
            dtype=str(values.dtype),
            reason=reason,
            n_missing=int(values.isna().sum()),
            n_unique=int(values.nunique(dropna=True)),
        )
        if role == Role.BOOLEAN:
            spec.categories = _boolean_categories(values)
        elif role == Role.CATEGORICAL:
            spec.categories = _categories(values)
        specs.append(spec)
    if not any(s.is_feature for s in specs):
        raise DataError(
            "no feature columns are left after removing the target, --drop, --id and --group columns",
            fix="keep at least one column to learn from",
        )
    return Schema(specs)


# --------------------------------------------------------------------------------------------
# Coercion: one reading of the values for training and prediction alike
# --------------------------------------------------------------------------------------------


def as_category_labels(values: pd.Series) -> pd.Series:
    """Category labels as Python strings (object dtype), with missing values as NaN.

    Numbers named as categories are written without a spurious ``.0`` so that ``3`` in a
    training file and ``3.0`` in a file with missing values are the same category.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        as_float = values.astype(float)
        integral = as_float.dropna().mod(1).eq(0).all()
        text = as_float.map(lambda v: f"{v:.0f}" if integral else repr(v), na_action="ignore")
    else:
        text = values.map(str, na_action="ignore")
    return text.astype(object).where(values.notna(), np.nan)


def _bad_examples(original: pd.Series, converted: pd.Series) -> list[Any]:
    bad = original[original.notna() & converted.isna()]
    return bad.drop_duplicates().head(3).tolist()


def _coerce_column(values: pd.Series, spec: ColumnSpec, strict: bool) -> pd.Series:
    if spec.role == Role.NUMERIC:
        converted = pd.to_numeric(values, errors="coerce").astype(float)
        kind = "numbers"
    elif spec.role == Role.BOOLEAN:
        false, true = spec.categories or [0, 1]
        keys = values.map(lambda v: str(v).strip().lower(), na_action="ignore")
        mapping = {str(false).strip().lower(): 0.0, str(true).strip().lower(): 1.0,
                   "0": 0.0, "1": 1.0, "0.0": 0.0, "1.0": 1.0}
        converted = keys.map(mapping).astype(float)
        kind = f"one of {false!r}/{true!r}"
    elif spec.role == Role.DATETIME:
        converted = parse_datetimes(values)
        kind = "dates or times"
    elif spec.role == Role.TEXT:
        return values.map(str, na_action="ignore").astype(object).fillna("")
    elif spec.role == Role.CATEGORICAL:
        return as_category_labels(values)
    else:
        return values
    if strict:
        bad = _bad_examples(values, converted)
        if bad:
            n_bad = int((values.notna() & converted.isna()).sum())
            raise SchemaMismatchError(
                f"{n_bad} value(s) cannot be read as {kind} (for example {bad!r}), "
                f"but the model was trained on {kind} here",
                where=f"column {spec.name!r}",
                fix="correct or blank those values, or retrain with this column's new meaning",
            )
    return converted


def coerce_features(frame: pd.DataFrame, schema: Schema, *, strict: bool = False) -> pd.DataFrame:
    """The feature columns of ``frame`` as the pipeline expects them.

    ``strict`` (used for new data) turns a value that no longer fits its column's type into an
    error naming the column, instead of quietly treating it as missing.
    """
    columns = {
        spec.name: _coerce_column(frame[spec.name], spec, strict)
        for spec in schema.columns
        if spec.is_feature
    }
    return pd.DataFrame(columns, index=frame.index)
