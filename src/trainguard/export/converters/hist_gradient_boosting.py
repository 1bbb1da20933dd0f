"""``HistGradientBoostingClassifier``/``Regressor``, including native categorical splits.

skl2onnx converts these models but writes a categorical split as a threshold on the category
code, which predicts wrongly whenever a tree splits on a category. Here each tree becomes part of
one ``TreeEnsemble`` (see :mod:`.trees`): a numeric split is ``BRANCH_LEQ`` on the raw threshold,
a categorical split is ``BRANCH_MEMBER`` on the categories of its left bitset, and missing values
follow ``missing_go_to_left``.

With categorical features, scikit-learn puts its own ordinal encoder in front of the trees
(``_preprocessor``): categorical columns first, re-coded 0..k-1, then the numeric ones, and an
unknown category becomes NaN, which takes the missing-value branch. The graph does the same: it
reorders the columns, turns values outside each column's known categories into NaN, and the
categorical splits test membership of the raw values (the known categories of the split's codes).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from trainguard.export.converters.heads import (
    classifier_outputs,
    constant,
    feature_matrix,
    node,
    register_pair,
)
from trainguard.export.converters.trees import Tree, add_tree_ensemble, ensemble_attributes


def bitset_members(bitset: np.ndarray) -> list[float]:
    """Category codes whose bit is set in one row of scikit-learn's ``raw_left_cat_bitsets``."""
    bits = np.unpackbits(np.ascontiguousarray(bitset, dtype="<u4").view(np.uint8), bitorder="little")
    return [float(c) for c in np.flatnonzero(bits)]


def _categories(model: Any) -> list[np.ndarray]:
    """Known raw values of each categorical feature, in scikit-learn's internal column order."""
    if getattr(model, "_preprocessor", None) is None:
        return []
    return [
        np.asarray(c, dtype=float) for c in model._preprocessor.named_transformers_["encoder"].categories_
    ]


def boosting_trees(model: Any) -> list[Tree]:
    """Every tree of a fitted HistGradientBoosting model, with its target (class) index.

    Feature indices are scikit-learn's internal ones (categorical features first); membership
    sets hold the raw category values.
    """
    categories = _categories(model)
    trees = []
    for iteration in model._predictors:
        for target, predictor in enumerate(iteration):
            nodes = predictor.nodes
            bitsets = predictor.raw_left_cat_bitsets
            members: list[list[float] | None] = []
            for i in range(len(nodes)):
                if nodes["is_categorical"][i] and not nodes["is_leaf"][i]:
                    codes = bitset_members(bitsets[nodes["bitset_idx"][i]])
                    known = categories[int(nodes["feature_idx"][i])]
                    members.append([float(known[int(c)]) for c in codes if c < len(known)])
                else:
                    members.append(None)
            trees.append(
                Tree(
                    is_leaf=nodes["is_leaf"].astype(bool),
                    left=nodes["left"],
                    right=nodes["right"],
                    feature=nodes["feature_idx"],
                    threshold=nodes["num_threshold"],
                    missing_left=nodes["missing_go_to_left"],
                    leaf_value=nodes["value"],
                    target=target,
                    members=members,
                )
            )
    return trees


def _internal_features(scope: Any, container: Any, model: Any, features: str) -> str:
    """scikit-learn's internal column order, unknown categories as NaN (see the module docstring)."""
    categories = _categories(model)
    if not categories:
        return features
    categorical = np.flatnonzero(model.is_categorical_)
    numeric = np.flatnonzero(~np.asarray(model.is_categorical_))
    codes = node(
        scope, container, "Gather", [features, constant(scope, container, "cat_columns", categorical)], axis=1
    )
    width = max(len(c) for c in categories)
    table = np.full((1, len(categories), width), np.nan)
    for j, known in enumerate(categories):
        known = known[~np.isnan(known)]
        table[0, j, : len(known)] = known
    axis = constant(scope, container, "axis2", np.array([2], dtype=np.int64))
    matches = node(
        scope,
        container,
        "Equal",
        [
            node(scope, container, "Unsqueeze", [codes, axis]),
            constant(scope, container, "known_categories", table),
        ],
    )
    hits = node(
        scope,
        container,
        "ReduceMax",
        [node(scope, container, "Cast", matches, to=TensorProto.DOUBLE), axis],
        keepdims=0,
    )
    is_known = node(scope, container, "Greater", [hits, constant(scope, container, "zero", np.array(0.0))])
    nan = constant(scope, container, "nan", np.array(np.nan))
    parts = [node(scope, container, "Where", [is_known, codes, nan])]
    if len(numeric):
        parts.append(
            node(
                scope,
                container,
                "Gather",
                [features, constant(scope, container, "num_columns", numeric)],
                axis=1,
            )
        )
    return node(scope, container, "Concat", parts, axis=1)


def _raw_scores(scope: Any, operator: Any, container: Any) -> str:
    model = operator.raw_operator
    features = node(
        scope, container, "Cast", feature_matrix(scope, operator, container), to=TensorProto.DOUBLE
    )
    features = _internal_features(scope, container, model, features)
    n_targets = len(model._predictors[0])
    sums = add_tree_ensemble(
        scope, container, features, ensemble_attributes(boosting_trees(model), n_targets)
    )
    baseline = constant(
        scope, container, "baseline", np.asarray(model._baseline_prediction, dtype=float).reshape(1, -1)
    )
    return node(scope, container, "Add", [sums, baseline])


def _convert_classifier(scope: Any, operator: Any, container: Any) -> None:
    link = "sigmoid" if len(operator.raw_operator.classes_) == 2 else "softmax"
    classifier_outputs(scope, container, operator, _raw_scores(scope, operator, container), link)


def _convert_regressor(scope: Any, operator: Any, container: Any) -> None:
    loss = operator.raw_operator.loss
    if loss != "squared_error":
        raise ValueError(f"HistGradientBoostingRegressor(loss={loss!r}): only squared_error is exportable")
    node(scope, container, "Identity", _raw_scores(scope, operator, container), operator.outputs[0].full_name)


def register() -> None:
    register_pair(
        HistGradientBoostingClassifier, HistGradientBoostingRegressor, _convert_classifier, _convert_regressor
    )
