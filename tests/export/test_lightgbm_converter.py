"""trainguard's LightGBM converter against LightGBM itself: native categories, NaN, three objectives."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest
from tests.export.test_converters import categorical_data, run_onnx, unseen_rows

from trainguard.export.converters.lightgbm import flatten_tree

SMALL = dict(n_estimators=40, num_leaves=15, min_child_samples=5, random_state=0, n_jobs=1, verbose=-1)


def test_flatten_tree_reads_numeric_and_categorical_splits():
    structure = {
        "decision_type": "==",
        "threshold": "1||4",
        "split_feature": 1,
        "default_left": False,
        "missing_type": "None",
        "left_child": {"leaf_value": 2.0},
        "right_child": {
            "decision_type": "<=",
            "threshold": -0.5,
            "split_feature": 0,
            "default_left": True,
            "missing_type": "None",
            "left_child": {"leaf_value": -1.0},
            "right_child": {"leaf_value": 0.5},
        },
    }
    tree = flatten_tree(structure, target=2)
    assert tree.is_leaf.tolist() == [False, True, False, True, True]
    assert tree.members[0] == [1.0, 4.0] and tree.members[2] is None
    assert tree.left.tolist()[:3] == [1, -1, 3] and tree.right.tolist()[:3] == [2, -1, 4]
    # missing_type None: LightGBM reads NaN as 0.0, which is above -0.5, so it goes right.
    assert not tree.missing_left[2] and not tree.missing_left[0]
    assert tree.target == 2


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_with_native_categories_matches_lightgbm(n_classes):
    X, signal = categorical_data()
    y = np.digitize(signal, np.quantile(signal, np.linspace(0, 1, n_classes + 1)[1:-1]))
    model = lgb.LGBMClassifier(**SMALL).fit(X, y, categorical_feature=[1])
    dump = model.booster_.dump_model()
    assert "==" in repr(dump["tree_info"]), "the data should give categorical splits"
    test = unseen_rows(X)
    label, proba = run_onnx(model, test)
    np.testing.assert_array_equal(label, model.predict(test))
    np.testing.assert_allclose(proba, model.predict_proba(test), atol=1e-12)


def test_regressor_with_native_categories_matches_lightgbm():
    X, signal = categorical_data(seed=1)
    model = lgb.LGBMRegressor(**SMALL).fit(X, signal, categorical_feature=[1])
    test = unseen_rows(X)
    test[:5, 2] = np.nan  # a feature without missing values in training: NaN reads as 0.0
    [values] = run_onnx(model, test)
    np.testing.assert_allclose(values.ravel(), model.predict(test), atol=1e-10)


def test_thresholds_are_compared_in_double_precision():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 2))
    y = X[:, 0] + 0.1 * rng.normal(size=300)
    model = lgb.LGBMRegressor(**SMALL).fit(X, y)
    thresholds = np.array(
        [
            n["threshold"]
            for t in model.booster_.dump_model()["tree_info"]
            for n in _splits(t["tree_structure"])
        ]
    )
    # Rows at each threshold and one double step above it: float32 rounding would mix them up.
    edge = np.column_stack(
        [np.r_[thresholds, np.nextafter(thresholds, np.inf)], np.zeros(2 * len(thresholds))]
    )
    [values] = run_onnx(model, edge)
    np.testing.assert_allclose(values.ravel(), model.predict(edge), atol=1e-10)


def _splits(entry):
    if "leaf_value" in entry:
        return []
    return [entry, *_splits(entry["left_child"]), *_splits(entry["right_child"])]


def test_other_objectives_are_refused():
    X, signal = categorical_data(seed=2)
    model = lgb.LGBMRegressor(objective="poisson", **SMALL).fit(X, np.exp(signal / 3))
    with pytest.raises(ValueError, match="poisson"):
        run_onnx(model, X)
