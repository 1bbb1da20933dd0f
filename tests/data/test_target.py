import numpy as np
import pandas as pd
import pytest

from trainguard.data.target import infer_task, prepare_target
from trainguard.errors import ConfigError, DataError


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["yes", "no"] * 5, "binary"),
        ([True, False] * 5, "binary"),
        ([0, 1] * 5, "binary"),
        (["a", "b", "c"] * 5, "multiclass"),
        ([1, 2, 3, 4, 5] * 5, "multiclass"),
        ([1.5, 2.25, 3.0, 7.1] * 5, "regression"),
        (list(range(100)), "regression"),
    ],
)
def test_infer_task(values, task):
    assert infer_task(pd.Series(values))[0] == task


def test_rows_without_target_are_dropped_and_counted():
    frame = pd.DataFrame({"x": range(6), "y": ["a", None, "b", "a", np.nan, "b"]})
    target = prepare_target(frame, "y")
    assert target.n_dropped == 2
    assert target.kept_rows.tolist() == [0, 2, 3, 5]
    assert target.classes == ["a", "b"]


def test_missing_target_column_suggests_the_closest():
    frame = pd.DataFrame({"churned": [0, 1], "x": [1, 2]})
    with pytest.raises(DataError, match="did you mean --target churned\\?$"):
        prepare_target(frame, "churn", where="data.csv")


def test_constant_target_message_shows_the_plain_value():
    frame = pd.DataFrame({"y": [1, 1, 1], "x": [1, 2, 3]})
    with pytest.raises(DataError, match=r"single value \(1\)"):
        prepare_target(frame, "y")


def test_regression_on_labels_is_refused():
    frame = pd.DataFrame({"y": ["a", "b", "c"], "x": [1, 2, 3]})
    with pytest.raises(DataError, match="numeric target"):
        prepare_target(frame, "y", task="regression")


def test_binary_override_needs_two_classes():
    frame = pd.DataFrame({"y": ["a", "b", "c"], "x": [1, 2, 3]})
    with pytest.raises(ConfigError, match="exactly 2 classes"):
        prepare_target(frame, "y", task="binary")


def test_integer_labels_read_with_missing_values_stay_integers():
    frame = pd.DataFrame({"y": [1.0, 2.0, np.nan, 3.0], "x": range(4)})
    assert prepare_target(frame, "y").classes == [1, 2, 3]
