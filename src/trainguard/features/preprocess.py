"""Preprocessing as scikit-learn transformers, so it is only ever fit on training rows.

Nothing in trainguard computes a statistic (a mean, a category list, a vocabulary) outside a
pipeline: the pipeline is fit on the training rows and merely *applied* to validation, test and
new data. That is what makes the scores honest.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from trainguard.data.schema import Role, Schema, parse_datetimes

CategoricalEncoding = Literal["onehot", "ordinal", "native"]
# One-hot columns per categorical feature; rarer values share an "infrequent" column.
MAX_ONEHOT_CATEGORIES = 30
# Native categorical support in HistGradientBoosting allows at most 255 bins, one kept for missing.
MAX_NATIVE_CATEGORIES = 250
TEXT_MAX_FEATURES = 200
MISSING_CATEGORY = "__missing__"


class DatetimeFeatures(TransformerMixin, BaseEstimator):
    """Calendar parts of datetime columns: year, month, day, day of week, day of year, hour.

    Written by hand because scikit-learn has no datetime transformer; the parts are stateless,
    so fitting only records the input columns and whether any value has a time of day.
    """

    def fit(self, X: pd.DataFrame, y: object = None) -> DatetimeFeatures:
        frame = self._as_frame(X)
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.has_time_ = {
            str(c): bool((frame[c].dt.hour.fillna(0) + frame[c].dt.minute.fillna(0)).any())
            for c in frame.columns
        }
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "has_time_")
        frame = self._as_frame(X)
        parts = []
        for column in frame.columns:
            dates = frame[column].dt
            parts += [dates.year, dates.month, dates.day, dates.day_of_week, dates.day_of_year]
            if self.has_time_[str(column)]:
                parts.append(dates.hour)
        return np.column_stack([p.to_numpy(dtype=float, na_value=np.nan) for p in parts])

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "has_time_")
        names = []
        for column in self.feature_names_in_:
            names += [f"{column}_{p}" for p in ("year", "month", "day", "dayofweek", "dayofyear")]
            if self.has_time_[str(column)]:
                names.append(f"{column}_hour")
        return np.asarray(names, dtype=object)

    @staticmethod
    def _as_frame(X: pd.DataFrame) -> pd.DataFrame:
        frame = pd.DataFrame(X)
        return frame.apply(parse_datetimes)


def _numeric_steps(scale: bool, native_missing: bool) -> Pipeline | str:
    if native_missing:
        return "passthrough"
    steps: list[object] = [SimpleImputer(strategy="median", add_indicator=True)]
    if scale:
        steps.append(StandardScaler())
    return make_pipeline(*steps)


def _categorical_steps(encoding: CategoricalEncoding, scale: bool) -> Pipeline:
    impute = SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY)
    if encoding == "onehot":
        encoder: object = OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            max_categories=MAX_ONEHOT_CATEGORIES,
            min_frequency=5,
            sparse_output=False,
        )
        return make_pipeline(impute, encoder)
    if encoding == "native":
        # Unknown and missing both become NaN, which HistGradientBoosting routes as missing.
        return make_pipeline(
            OrdinalEncoder(
                handle_unknown="use_encoded_value",
                unknown_value=np.nan,
                encoded_missing_value=np.nan,
                max_categories=MAX_NATIVE_CATEGORIES,
            )
        )
    steps: list[object] = [
        impute,
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
    ]
    if scale:
        steps.append(StandardScaler())
    return make_pipeline(*steps)


def build_preprocessor(
    schema: Schema,
    *,
    scale: bool,
    categorical: CategoricalEncoding = "onehot",
    native_missing: bool = False,
) -> ColumnTransformer:
    """A column transformer for the schema's feature columns, unfitted.

    ``scale`` for models that are sensitive to feature scale (linear models, nets);
    ``native_missing`` leaves NaN in numeric columns for models that route missing values
    themselves (gradient boosting), which keeps the information that a value was missing.
    """
    transformers: list[tuple[str, object, object]] = []
    numeric = schema.by_role(Role.NUMERIC) + schema.by_role(Role.BOOLEAN)
    if numeric:
        transformers.append(("num", _numeric_steps(scale, native_missing), numeric))
    categorical_columns = schema.by_role(Role.CATEGORICAL)
    if categorical_columns:
        transformers.append(("cat", _categorical_steps(categorical, scale), categorical_columns))
    dates = schema.by_role(Role.DATETIME)
    if dates:
        date_steps: list[object] = [DatetimeFeatures()]
        if not native_missing:
            date_steps.append(SimpleImputer(strategy="median", keep_empty_features=True))
        if scale:
            date_steps.append(StandardScaler())
        transformers.append(("date", make_pipeline(*date_steps), dates))
    for column in schema.by_role(Role.TEXT):
        # A single column name (not a list) hands the vectoriser the 1-D strings it expects.
        vectorizer = TfidfVectorizer(max_features=TEXT_MAX_FEATURES, sublinear_tf=True)
        transformers.append((f"text_{column}", vectorizer, column))
    return ColumnTransformer(
        transformers,
        remainder="drop",
        sparse_threshold=0.0,
        verbose_feature_names_out=False,
    )


def native_categorical_mask(preprocessor: ColumnTransformer, schema: Schema) -> list[bool]:
    """Which output columns of a fitted ``native`` preprocessor are categorical codes."""
    categorical = set(schema.by_role(Role.CATEGORICAL))
    return [name in categorical for name in preprocessor.get_feature_names_out()]
