"""LightGBM's ``LGBMClassifier``/``LGBMRegressor``, native categorical splits included.

The trees come from ``booster_.dump_model()`` (the rounds ``predict`` uses) and become one
``TreeEnsemble`` (see :mod:`.trees`), compared in double precision as LightGBM compares them:

* a numeric split (``<=``) sends a missing value along ``default_left`` when the feature had
  missing values in training (``missing_type`` NaN); otherwise LightGBM reads NaN as 0.0, so it
  goes where 0.0 goes;
* a categorical split (``==``) is ``BRANCH_MEMBER`` on the categories of its left side
  (LightGBM's bitset, written ``"1||4"``); missing and unknown categories go right, as in LightGBM.

onnxmltools' LightGBM converter is not used: it writes the older ``TreeEnsembleClassifier``/
``Regressor`` with float thresholds, while the opset-5 ``TreeEnsemble`` here keeps LightGBM's double
thresholds and categorical sets (rows next to a split in float32 take the other branch, the
random-forest problem of :mod:`.random_forest`), and it needs no further dependency.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto

from trainguard.export.converters.heads import classifier_outputs, feature_matrix, node, register_pair
from trainguard.export.converters.trees import Tree, add_tree_ensemble, ensemble_attributes

LINKS = {"binary": "sigmoid", "multiclass": "softmax", "regression": None}


def flatten_tree(structure: dict[str, Any], target: int = 0) -> Tree:
    """One tree of ``dump_model()["tree_info"][i]["tree_structure"]`` as :class:`~.trees.Tree` arrays."""
    rows: list[dict[str, Any]] = []

    def visit(entry: dict[str, Any]) -> int:
        index = len(rows)
        rows.append(entry)
        if "leaf_value" not in entry:
            entry["_left"] = visit(entry["left_child"])
            entry["_right"] = visit(entry["right_child"])
        return index

    visit(dict(structure))
    is_leaf = np.array(["leaf_value" in r for r in rows])
    members: list[list[float] | None] = []
    missing_left = []
    threshold = []
    for r in rows:
        if "leaf_value" in r:
            members.append(None)
            missing_left.append(False)
            threshold.append(0.0)
        elif r["decision_type"] == "==":
            members.append([float(c) for c in str(r["threshold"]).split("||")])
            missing_left.append(False)
            threshold.append(0.0)
        elif r["decision_type"] == "<=":
            if r["missing_type"] == "Zero":
                raise ValueError("LightGBM zero_as_missing splits are not exportable")
            value = float(r["threshold"])
            members.append(None)
            missing_left.append(bool(r["default_left"]) if r["missing_type"] == "NaN" else 0.0 <= value)
            threshold.append(value)
        else:
            raise ValueError(f"LightGBM decision type {r['decision_type']!r} is not exportable")
    return Tree(
        is_leaf=is_leaf,
        left=np.array([r.get("_left", -1) for r in rows]),
        right=np.array([r.get("_right", -1) for r in rows]),
        feature=np.array([r.get("split_feature", 0) for r in rows]),
        threshold=np.array(threshold),
        missing_left=np.array(missing_left),
        leaf_value=np.array([r.get("leaf_value", 0.0) for r in rows]),
        target=target,
        members=members,
    )


def booster_trees(model: Any) -> tuple[list[Tree], int, str | None]:
    """The trees ``model.predict`` sums, the number of scores per row, and the link to apply."""
    dump = model.booster_.dump_model()
    objective = str(dump["objective"]).split()[0]
    if objective not in LINKS:
        raise ValueError(f"LightGBM objective {objective!r} is not exportable")
    if objective == "binary" and "sigmoid:1" not in str(dump["objective"]).split():
        raise ValueError(f"LightGBM objective {dump['objective']!r}: only sigmoid:1 is exportable")
    if any("leaf_coeff" in repr(t) for t in dump["tree_info"][:1]) or model.get_params().get("linear_tree"):
        raise ValueError("LightGBM linear trees are not exportable")
    n_scores = int(dump["num_tree_per_iteration"])
    trees = [
        flatten_tree(info["tree_structure"], target=i % n_scores) for i, info in enumerate(dump["tree_info"])
    ]
    return trees, n_scores, LINKS[objective]


def _raw_scores(scope: Any, operator: Any, container: Any) -> tuple[str, str | None]:
    features = node(
        scope, container, "Cast", feature_matrix(scope, operator, container), to=TensorProto.DOUBLE
    )
    trees, n_scores, link = booster_trees(operator.raw_operator)
    return add_tree_ensemble(scope, container, features, ensemble_attributes(trees, n_scores)), link


def _convert_classifier(scope: Any, operator: Any, container: Any) -> None:
    scores, link = _raw_scores(scope, operator, container)
    classifier_outputs(scope, container, operator, scores, link or "softmax")


def _convert_regressor(scope: Any, operator: Any, container: Any) -> None:
    scores, _ = _raw_scores(scope, operator, container)
    node(scope, container, "Identity", scores, operator.outputs[0].full_name)


def register() -> None:
    from lightgbm import LGBMClassifier, LGBMRegressor

    register_pair(LGBMClassifier, LGBMRegressor, _convert_classifier, _convert_regressor)
