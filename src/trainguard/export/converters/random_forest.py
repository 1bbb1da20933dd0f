"""``RandomForestClassifier``/``Regressor`` with scikit-learn's float32 comparisons.

scikit-learn's trees cast inputs to float32 and compare them with float64 thresholds; skl2onnx's
converter with double inputs rounds the thresholds to float32 instead, and rows whose value sits
next to a threshold then take the other branch (probabilities off by whole trees). Here the inputs
are rounded to float32 as scikit-learn rounds them and compared with the exact thresholds in a
``TreeEnsemble`` (see :mod:`.trees`); a classifier's tree is written once per class, as opset 5
keeps one value per leaf.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

from trainguard.export.converters.heads import (
    constant,
    feature_matrix,
    label_from_probabilities,
    node,
    register_pair,
)
from trainguard.export.converters.trees import Tree, add_tree_ensemble, ensemble_attributes


def forest_trees(model: Any) -> tuple[list[Tree], int]:
    """The forest's trees (one per class and estimator for a classifier) and the number of targets."""
    trees = []
    n_targets = len(model.classes_) if hasattr(model, "classes_") else 1
    for estimator in model.estimators_:
        tree = estimator.tree_
        value = tree.value[:, 0, :]
        if n_targets > 1 or hasattr(model, "classes_"):
            value = value / value.sum(axis=1, keepdims=True)
        is_leaf = tree.children_left == -1
        missing_left = getattr(tree, "missing_go_to_left", np.zeros(tree.node_count, dtype=np.uint8))
        for target in range(value.shape[1]):
            trees.append(
                Tree(
                    is_leaf=is_leaf,
                    left=tree.children_left,
                    right=tree.children_right,
                    feature=tree.feature,
                    threshold=tree.threshold,
                    missing_left=missing_left,
                    leaf_value=value[:, target],
                    target=target,
                )
            )
    return trees, value.shape[1]


def _averages(scope: Any, operator: Any, container: Any) -> str:
    model = operator.raw_operator
    rounded = node(scope, container, "Cast", feature_matrix(scope, operator, container), to=TensorProto.FLOAT)
    features = node(scope, container, "Cast", rounded, to=TensorProto.DOUBLE)
    trees, n_targets = forest_trees(model)
    sums = add_tree_ensemble(scope, container, features, ensemble_attributes(trees, n_targets))
    count = constant(scope, container, "n_trees", np.array([[float(len(model.estimators_))]]))
    return node(scope, container, "Div", [sums, count])


def _convert_classifier(scope: Any, operator: Any, container: Any) -> None:
    proba = operator.outputs[1].full_name
    node(scope, container, "Identity", _averages(scope, operator, container), proba)
    label_from_probabilities(scope, container, operator)


def _convert_regressor(scope: Any, operator: Any, container: Any) -> None:
    node(scope, container, "Identity", _averages(scope, operator, container), operator.outputs[0].full_name)


def register() -> None:
    register_pair(RandomForestClassifier, RandomForestRegressor, _convert_classifier, _convert_regressor)
