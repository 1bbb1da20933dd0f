r"""The ONNX model's inputs: one ``[N, 1]`` tensor per raw feature column, named as the column.

Numeric and boolean columns are doubles with NaN for a missing value; categorical columns are
strings with ``""`` for a missing value; text columns are strings lowercased with Python's
``str.lower`` (the graph tokenises them as scikit-learn does, see
:mod:`trainguard.export.converters.text`), ``""`` when missing; datetime columns are doubles,
whole seconds since 1970-01-01 (UTC for zone-aware values), NaN when missing. :func:`onnx_feed`
turns the frame ``Run.prepare`` returns into that dictionary, so a consumer in Python scores
exactly what ``trainguard predict`` would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trainguard.data.schema import Role, Schema

MISSING_STRING = ""
STRING_ROLES = (Role.CATEGORICAL, Role.TEXT)


def input_types(schema: Schema) -> list[tuple[str, Any]]:
    """skl2onnx ``initial_types`` for the schema's feature columns, in the schema's order."""
    from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

    return [
        (c.name, StringTensorType([None, 1]) if c.role in STRING_ROLES else DoubleTensorType([None, 1]))
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
        if spec.role in STRING_ROLES:
            text = column.astype(object).where(column.notna(), MISSING_STRING).astype(str)
            values = text.to_numpy(dtype=object)
            if spec.role == Role.TEXT:
                # TfidfVectorizer(lowercase=True) calls str.lower; pandas' .str.lower may run Arrow's
                # simple case mapping instead ("İ" to "i", where str.lower gives "i" + U+0307).
                values = np.array([value.lower() for value in values], dtype=object)
            feed[spec.name] = values.reshape(-1, 1)
        elif spec.role == Role.DATETIME:
            feed[spec.name] = seconds_since_epoch(column).reshape(-1, 1)
        else:
            feed[spec.name] = column.to_numpy(dtype=np.float64, na_value=np.nan).reshape(-1, 1)
    return feed
