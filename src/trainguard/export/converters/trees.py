"""Decision trees as one ``ai.onnx.ml.TreeEnsemble`` node (ONNX-ML opset 5).

Opset 5's ``TreeEnsemble`` takes double thresholds and leaf weights (so comparisons happen in the
same precision as scikit-learn's) and has ``BRANCH_MEMBER`` nodes (categorical splits) and a
per-node direction for missing values. skl2onnx (1.20) emits only the older
``TreeEnsembleClassifier``/``Regressor`` and refuses to target ONNX-ML opset 5, so converters
declare the node at the opset skl2onnx targets and :func:`declare_ml_opset` raises the model's
ONNX-ML import afterwards (every other ONNX-ML operator skl2onnx emits is unchanged in opset 5).

A tree is described by plain arrays (:class:`Tree`), so building the attributes is a pure function
tested on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from onnx import TensorProto
from onnx.helper import make_tensor

BRANCH_LEQ, BRANCH_MEMBER = 0, 6
AGGREGATE_SUM, POST_NONE = 1, 0
ML_DOMAIN, ML_OPSET = "ai.onnx.ml", 5


@dataclass
class Tree:
    """One tree: node ``i`` is a leaf (``leaf_value[i]``) or goes to ``left[i]`` when
    ``feature[i] <= threshold[i]`` (numeric) or ``feature[i] in members[i]`` (categorical),
    and to ``left[i]`` when the value is missing if ``missing_left[i]``. Root is node 0."""

    is_leaf: np.ndarray
    left: np.ndarray
    right: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    leaf_value: np.ndarray
    target: int = 0
    members: Sequence[Sequence[float] | None] | None = None


def ensemble_attributes(trees: Iterable[Tree], n_targets: int) -> dict[str, Any]:
    """``TreeEnsemble`` attributes summing every tree's leaf into its target."""
    keys = (
        "featureids",
        "truenodeids",
        "trueleafs",
        "falsenodeids",
        "falseleafs",
        "missing_value_tracks_true",
    )
    nodes: dict[str, list[Any]] = {k: [] for k in keys}
    modes: list[int] = []
    splits: list[float] = []
    members: list[float] = []
    roots: list[int] = []
    leaf_targets: list[int] = []
    leaf_weights: list[float] = []
    for tree in trees:
        internal = np.flatnonzero(~np.asarray(tree.is_leaf, dtype=bool))
        start = len(modes)
        index_of = {int(i): start + k for k, i in enumerate(internal)}

        def place(i: int, tree: Tree = tree, index_of: dict[int, int] = index_of) -> tuple[int, int]:
            if tree.is_leaf[i]:
                leaf_targets.append(tree.target)
                leaf_weights.append(float(tree.leaf_value[i]))
                return len(leaf_weights) - 1, 1
            return index_of[i], 0

        roots.append(start)
        if len(internal) == 0:  # one leaf: a split whose both sides lead to it
            leaf, _ = place(0)
            for key, value in zip(keys, (0, leaf, 1, leaf, 1, 1), strict=True):
                nodes[key].append(value)
            modes.append(BRANCH_LEQ)
            splits.append(0.0)
            continue
        for i in internal:
            categorical = tree.members is not None and tree.members[i] is not None
            modes.append(BRANCH_MEMBER if categorical else BRANCH_LEQ)
            splits.append(0.0 if categorical else float(tree.threshold[i]))
            if categorical:
                members += [float(m) for m in tree.members[i]] + [np.nan]  # type: ignore[index]
            nodes["featureids"].append(int(tree.feature[i]))
            nodes["missing_value_tracks_true"].append(int(bool(tree.missing_left[i])))
            true_id, true_leaf = place(int(tree.left[i]))
            false_id, false_leaf = place(int(tree.right[i]))
            nodes["truenodeids"].append(true_id)
            nodes["trueleafs"].append(true_leaf)
            nodes["falsenodeids"].append(false_id)
            nodes["falseleafs"].append(false_leaf)
    attributes: dict[str, Any] = {f"nodes_{k}": v for k, v in nodes.items()}
    attributes.update(
        nodes_modes=make_tensor("nodes_modes", TensorProto.UINT8, [len(modes)], modes),
        nodes_splits=make_tensor("nodes_splits", TensorProto.DOUBLE, [len(splits)], splits),
        tree_roots=roots,
        leaf_targetids=leaf_targets,
        leaf_weights=make_tensor("leaf_weights", TensorProto.DOUBLE, [len(leaf_weights)], leaf_weights),
        n_targets=n_targets,
        aggregate_function=AGGREGATE_SUM,
        post_transform=POST_NONE,
    )
    if members:
        attributes["membership_values"] = make_tensor(
            "membership_values", TensorProto.DOUBLE, [len(members)], members
        )
    return attributes


def add_tree_ensemble(scope: Any, container: Any, features: str, attributes: dict[str, Any]) -> str:
    """Add the node (double ``[N, F]`` in, ``[N, n_targets]`` out); returns its output's name."""
    out = scope.get_unique_variable_name("tree_sums")
    # Declared at the targeted ONNX-ML opset for skl2onnx's bookkeeping; see declare_ml_opset.
    container.add_node(
        "TreeEnsemble",
        features,
        out,
        op_domain=ML_DOMAIN,
        op_version=container.target_opset_any_domain(ML_DOMAIN),
        name=scope.get_unique_operator_name("TreeEnsemble"),
        **attributes,
    )
    return out


def declare_ml_opset(onx: Any) -> None:
    """Import ONNX-ML opset 5 in a model that holds a ``TreeEnsemble`` node."""
    if not any(n.op_type == "TreeEnsemble" and n.domain == ML_DOMAIN for n in onx.graph.node):
        return
    for entry in onx.opset_import:
        if entry.domain == ML_DOMAIN:
            entry.version = max(entry.version, ML_OPSET)
            return
    entry = onx.opset_import.add()
    entry.domain, entry.version = ML_DOMAIN, ML_OPSET
