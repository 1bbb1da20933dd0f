import numpy as np
import pandas as pd
import pytest

from trainguard.data.schema import coerce_features, infer_schema
from trainguard.features.preprocess import DatetimeFeatures, build_preprocessor


def _frame(n=60):
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "x": rng.normal(size=n),
        "colour": rng.choice(["red", "green", "blue"], n),
        "when": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "note": [f"customer {i} said thing number {i % 7} about the product" for i in range(n)],
        "y": rng.integers(0, 2, n),
    })


def test_datetime_features_are_calendar_parts():
    frame = pd.DataFrame({"d": pd.to_datetime(["2024-03-05", None, "2023-12-31 14:30"], format="mixed")})
    features = DatetimeFeatures().fit(frame)
    out = features.transform(frame)
    assert list(features.get_feature_names_out()) == [
        "d_year", "d_month", "d_day", "d_dayofweek", "d_dayofyear", "d_hour"]
    np.testing.assert_array_equal(out[0], [2024, 3, 5, 1, 65, 0])
    assert np.isnan(out[1]).all()
    np.testing.assert_array_equal(out[2], [2023, 12, 31, 6, 365, 14])


@pytest.mark.parametrize("encoding", ["onehot", "ordinal", "native"])
def test_unseen_and_missing_categories_do_not_break_transform(encoding):
    frame = _frame()
    schema = infer_schema(frame, target="y")
    X = coerce_features(frame, schema)
    pre = build_preprocessor(schema, scale=encoding != "native", categorical=encoding,
                             native_missing=encoding == "native").fit(X)
    new = X.head(3).copy()
    new["colour"] = ["purple", np.nan, "red"]
    out = pre.transform(new)
    assert out.shape == (3, pre.transform(X.head(3)).shape[1])


def test_scaling_uses_only_the_rows_it_was_fit_on():
    frame = _frame()
    schema = infer_schema(frame, target="y")
    X = coerce_features(frame, schema)
    train = X.iloc[:30]
    pre = build_preprocessor(schema, scale=True).fit(train)
    scaler = pre.named_transformers_["num"].named_steps["standardscaler"]
    assert scaler.mean_[0] == pytest.approx(train.x.mean())
    assert scaler.mean_[0] != pytest.approx(X.x.mean())


def test_text_columns_are_vectorised_from_training_vocabulary():
    frame = _frame()
    schema = infer_schema(frame, target="y")
    assert schema["note"].role == "text"
    X = coerce_features(frame, schema)
    pre = build_preprocessor(schema, scale=False).fit(X)
    names = set(pre.get_feature_names_out())
    assert {"customer", "product"} <= names
