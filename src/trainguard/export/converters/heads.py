"""The last nodes of a converted model: raw scores to probabilities and labels.

Shared by the converters of :mod:`trainguard.export.converters`, so every classifier's outputs
follow skl2onnx's layout (``label`` as a 1-D tensor of class labels, ``probabilities`` as
``[N, n_classes]`` in ``classes_`` order) and the threshold step can rely on it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto


def constant(scope: Any, container: Any, name: str, values: Any, kind: int | None = None) -> str:
    """An initializer holding ``values``; its type follows the array's unless ``kind`` is given."""
    array = np.asarray(values)
    if kind is None:
        kind = {"f": TensorProto.DOUBLE, "i": TensorProto.INT64, "b": TensorProto.BOOL}.get(
            array.dtype.kind, TensorProto.STRING
        )
    content = [str(v) for v in array.ravel()] if kind == TensorProto.STRING else array.ravel().tolist()
    unique = scope.get_unique_variable_name(name)
    container.add_initializer(unique, kind, list(array.shape), content)
    return unique


def node(
    scope: Any, container: Any, op: str, inputs: list[str] | str, output: str | None = None, **attrs: Any
) -> str:
    """Add one standard-domain node; returns its output's name (a fresh one unless given)."""
    output = output or scope.get_unique_variable_name(op.lower())
    container.add_node(op, inputs, output, name=scope.get_unique_operator_name(op), **attrs)
    return output


def feature_matrix(scope: Any, operator: Any, container: Any) -> str:
    """The operator's input as one ``[N, F]`` tensor (skl2onnx may hand several columns)."""
    names = [i.full_name for i in operator.inputs]
    return names[0] if len(names) == 1 else node(scope, container, "Concat", names, axis=1)


def label_kind(classes: np.ndarray) -> int:
    return TensorProto.INT64 if np.asarray(classes).dtype.kind in "iub" else TensorProto.STRING


def classifier_outputs(scope: Any, container: Any, operator: Any, scores: str, link: str) -> None:
    """``probabilities`` and ``label`` from raw ``scores`` (``[N, K]``, or ``[N, 1]`` with ``sigmoid``).

    ``link`` is ``softmax`` (one score per class) or ``sigmoid`` (one score for the second class
    of two, as scikit-learn's binary boosting). The label is the class with the highest
    probability, the first one on a tie, as ``numpy.argmax``.
    """
    proba_out = operator.outputs[1].full_name
    if link == "sigmoid":
        positive = node(scope, container, "Sigmoid", scores)
        one = constant(scope, container, "one", np.array([[1.0]]))
        negative = node(scope, container, "Sub", [one, positive])
        node(scope, container, "Concat", [negative, positive], proba_out, axis=1)
    else:
        node(scope, container, "Softmax", scores, proba_out, axis=1)
    label_from_probabilities(scope, container, operator)


def label_from_probabilities(scope: Any, container: Any, operator: Any) -> None:
    """``label``: the class of the highest probability, the first on a tie (``numpy.argmax``)."""
    best = node(
        scope, container, "ArgMax", operator.outputs[1].full_name, axis=1, keepdims=0, select_last_index=0
    )
    classes = operator.raw_operator.classes_
    values = np.asarray(classes, dtype=np.int64) if label_kind(classes) == TensorProto.INT64 else classes
    table = constant(scope, container, "classes", values, label_kind(classes))
    node(scope, container, "Gather", [table, best], operator.outputs[0].full_name, axis=0)


def classifier_shapes(operator: Any) -> None:
    """Output types of a classifier converted here: labels (1-D) and double probabilities."""
    from skl2onnx.common.data_types import DoubleTensorType, Int64TensorType, StringTensorType

    n = operator.inputs[0].get_first_dimension()
    classes = operator.raw_operator.classes_
    kind = Int64TensorType if label_kind(classes) == TensorProto.INT64 else StringTensorType
    operator.outputs[0].type = kind([n])
    operator.outputs[1].type = DoubleTensorType([n, len(classes)])


def regressor_shapes(operator: Any) -> None:
    from skl2onnx.common.data_types import DoubleTensorType

    operator.outputs[0].type = DoubleTensorType([operator.inputs[0].get_first_dimension(), 1])


CLASSIFIER_OPTIONS = {"zipmap": [False], "nocl": [False]}


def register_pair(classifier: type, regressor: type, convert_classifier: Any, convert_regressor: Any) -> None:
    """Register one family's classifier and regressor converters with skl2onnx (replacing its own)."""
    from skl2onnx import update_registered_converter

    update_registered_converter(
        classifier,
        f"Trainguard{classifier.__name__}",
        classifier_shapes,
        convert_classifier,
        overwrite=True,
        options=CLASSIFIER_OPTIONS,
    )
    update_registered_converter(
        regressor, f"Trainguard{regressor.__name__}", regressor_shapes, convert_regressor, overwrite=True
    )
