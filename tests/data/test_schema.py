import numpy as np
import pandas as pd
import pytest

from trainguard.data.schema import Role, Schema, coerce_features, infer_role, infer_schema
from trainguard.errors import ConfigError, SchemaMismatchError


def role(values):
    return infer_role(pd.Series(values))[0]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.5, 2.0, 3.25, np.nan] * 10, Role.NUMERIC),
        ([0, 1, 1, 0] * 10, Role.BOOLEAN),
        ([True, False] * 20, Role.BOOLEAN),
        (["yes", "no", None] * 10, Role.BOOLEAN),
        (["red", "green", "blue"] * 10, Role.CATEGORICAL),
        (["2024-01-05", "2024-02-11", "2023-12-31"] * 10, Role.DATETIME),
        (["2024-01-05 10:00:00", None] * 15, Role.DATETIME),
        (list(range(100, 140)), Role.ID),
        ([f"a{i:05x}-{i * 7919 % 10007}" for i in range(40)], Role.ID),
        ([f"this is a sentence number {i} about things" for i in range(40)], Role.TEXT),
    ],
)
def test_infer_role(values, expected):
    assert role(values) == expected


def test_unique_floats_are_numeric_not_ids():
    rng = np.random.default_rng(0)
    assert role(rng.normal(size=200)) == Role.NUMERIC


def test_shuffled_unique_integers_are_numeric():
    # Unique whole numbers in random order (e.g. an income) are not a row counter.
    assert role(np.random.default_rng(0).permutation(np.arange(1000, 1200))) == Role.NUMERIC


def test_overrides_and_exclusions():
    frame = pd.DataFrame({
        "code": [1, 2, 3, 1] * 10,
        "noise": np.arange(40) * 0.5,
        "user": list("abcd") * 10,
        "row": np.arange(40),
        "y": [0, 1] * 20,
    })
    schema = infer_schema(frame, target="y", categorical=["code"], drop=["noise"], ids=["row"], group="user")
    assert schema.names == ["code", "user", "row"]
    assert schema["code"].role == Role.CATEGORICAL
    assert schema["user"].role == Role.ID and not schema["user"].is_feature
    assert schema["row"].role == Role.ID
    assert schema.feature_names == ["code"]


def test_unknown_override_column_suggests_close_name():
    frame = pd.DataFrame({"colour": ["a", "b"], "y": [0, 1]})
    with pytest.raises(ConfigError, match="did you mean 'colour'") as info:
        infer_schema(frame, target="y", drop=["color"])
    assert "--drop" in str(info.value) and "\n" not in str(info.value)


def test_target_cannot_be_an_override():
    frame = pd.DataFrame({"x": [1, 2], "y": [0, 1]})
    with pytest.raises(ConfigError, match="target"):
        infer_schema(frame, target="y", categorical=["y"])


def test_schema_round_trips_through_dict():
    frame = pd.DataFrame({"a": ["x", "y"] * 10, "b": [1.0, 2.0] * 10, "y": [0, 1] * 10})
    schema = infer_schema(frame, target="y")
    again = Schema.from_dict(schema.to_dict())
    assert again == schema


def test_coerce_numeric_categories_match_with_and_without_missing_values():
    schema = Schema.from_dict([{"name": "c", "role": "categorical", "dtype": "int64", "reason": ""}])
    trained = coerce_features(pd.DataFrame({"c": [3, 4]}), schema)
    new = coerce_features(pd.DataFrame({"c": [3.0, np.nan]}), schema)
    assert trained["c"].tolist()[0] == new["c"].tolist()[0] == "3"
    assert pd.isna(new["c"].iloc[1])


def test_strict_coercion_names_the_column_and_bad_values():
    schema = Schema.from_dict([{"name": "age", "role": "numeric", "dtype": "float64", "reason": ""}])
    with pytest.raises(SchemaMismatchError) as info:
        coerce_features(pd.DataFrame({"age": ["31", "forty", None]}), schema, strict=True)
    message = str(info.value)
    assert "column 'age'" in message and "forty" in message and "Fix:" in message


def test_boolean_words_map_to_zero_one():
    frame = pd.DataFrame({"flag": ["Yes", "no", None, "yes"] * 10, "y": [0, 1] * 20})
    schema = infer_schema(frame, target="y")
    coerced = coerce_features(frame, schema)["flag"]
    assert coerced.iloc[:4].tolist()[:2] == [1.0, 0.0] and np.isnan(coerced.iloc[2])
