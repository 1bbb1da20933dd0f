r"""The ONNX model's inputs: one ``[N, 1]`` tensor per raw feature column, named as the column.

Numeric and boolean columns are doubles with NaN for a missing value; categorical columns are
strings with ``""`` for a missing value; datetime columns are doubles, whole seconds since
1970-01-01 (UTC for zone-aware values), NaN when missing. :func:`onnx_feed` turns the frame ``Run.prepare``
returns into that dictionary, so a consumer in Python scores exactly what ``trainguard predict``
would. Text columns are refused by name: skl2onnx's TfidfVectorizer converter replaces
scikit-learn's Unicode token pattern ``(?u)\b\w\w+\b`` with the ASCII ``[a-zA-Z0-9_]+`` (onnxruntime's
tokenizer is re2, whose ``\w`` is ASCII), so a value with an accented letter ("naïve", "café")
gets other tokens, hence other TF-IDF weights, than ``trainguard predict`` gives it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trainguard.data.schema import Role, Schema
from trainguard.errors import ConfigError

MISSING_STRING = ""
EXPORTABLE_ROLES = (Role.NUMERIC, Role.BOOLEAN, Role.CATEGORICAL, Role.DATETIME)


def check_exportable_columns(schema: Schema, where: str) -> None:
    refused = [(c.name, c.role) for c in schema.columns if c.is_feature and c.role not in EXPORTABLE_ROLES]
    if refused:
        listed = ", ".join(f"{name!r} ({role})" for name, role in refused)
        raise ConfigError(
            f"ONNX export supports numeric, boolean, categorical and datetime columns, not {listed}"
            + (" (ONNX tokenises text as ASCII words, scikit-learn as Unicode words, so scores would "
               "differ for accented text)" if any(role == Role.TEXT for _, role in refused) else ""),
            where=where,
            fix="retrain with --drop for those columns (or turn them into numbers first), "
            "or deploy the skops model with 'trainguard predict' or MLflow",
        )


def input_types(schema: Schema) -> list[tuple[str, Any]]:
    """skl2onnx ``initial_types`` for the schema's feature columns, in the schema's order."""
    from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

    return [
        (c.name, StringTensorType([None, 1]) if c.role == Role.CATEGORICAL else DoubleTensorType([None, 1]))
        for c in schema.columns
        if c.is_feature
    ]


def seconds_since_epoch(values: Any) -> np.ndarray:
    """Datetimes as ``coerce_features`` leaves them, as the graph takes them: whole seconds since
    the epoch (floored, as the calendar parts are), NaN when missing."""
    stamps = np.asarray(values, dtype="datetime64[s]")
    seconds = stamps.astype(np.int64).astype(np.float64)
    seconds[np.isnat(stamps)] = np.nan
    return seconds


def onnx_feed(features: pd.DataFrame, schema: Schema) -> dict[str, np.ndarray]:
    """ONNX inputs for a frame of features as ``Run.prepare`` returns it."""
    feed: dict[str, np.ndarray] = {}
    for spec in schema.columns:
        if not spec.is_feature:
            continue
        column = features[spec.name]
        if spec.role == Role.CATEGORICAL:
            text = column.astype(object).where(column.notna(), MISSING_STRING).astype(str)
            feed[spec.name] = text.to_numpy(dtype=object).reshape(-1, 1)
        elif spec.role == Role.DATETIME:
            feed[spec.name] = seconds_since_epoch(column).reshape(-1, 1)
        else:
            feed[spec.name] = column.to_numpy(dtype=np.float64, na_value=np.nan).reshape(-1, 1)
    return feed
