"""trainguard's ``NeuralNetClassifier``/``NeuralNetRegressor``: the network through ``torch.onnx``.

The fitted network is exported by PyTorch's own exporter, in float64 (the precision the estimator
predicts in, see ``_NeuralNet._forward``), and its nodes and weights are spliced into the
skl2onnx graph under fresh names. The estimator's own arithmetic around the network is added
here: softmax and the class labels for the classifier, the target's mean and scale for the
regressor (it trains on standardised targets).
"""

from __future__ import annotations

import copy
import io
import warnings
from typing import Any

import numpy as np
from onnx import TensorProto, load_model_from_string, numpy_helper

from trainguard.export.converters.heads import (
    classifier_outputs,
    constant,
    feature_matrix,
    node,
    register_pair,
)

TORCH_OPSET = 18


def network_graph(estimator: Any) -> Any:
    """The estimator's network as an ONNX model (float64, any batch size), via ``torch.onnx``."""
    import torch

    module = copy.deepcopy(estimator.module_).to("cpu").double().eval()
    example = torch.zeros(2, int(estimator.n_features_in_), dtype=torch.float64)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
        torch.onnx.export(
            module,
            (example,),
            buffer,
            dynamo=False,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "n"}, "y": {0: "n"}},
            opset_version=TORCH_OPSET,
            do_constant_folding=True,
        )
    return load_model_from_string(buffer.getvalue())


def _splice(scope: Any, container: Any, model: Any, source: str) -> str:
    """Copy ``model``'s graph into the container reading ``source``; returns its output's name."""
    graph = model.graph
    names = {graph.input[0].name: source}
    for initializer in graph.initializer:
        array = numpy_helper.to_array(initializer)
        names[initializer.name] = constant(
            scope, container, "nn_weight", array, TensorProto.DOUBLE if array.dtype.kind == "f" else None
        )

    def renamed(name: str) -> str:
        if name == "":
            return name
        if name not in names:
            names[name] = scope.get_unique_variable_name("nn")
        return names[name]

    for onnx_node in graph.node:
        attributes = {a.name: _attribute_value(a) for a in onnx_node.attribute}
        container.add_node(
            onnx_node.op_type,
            [renamed(i) for i in onnx_node.input],
            [renamed(o) for o in onnx_node.output],
            op_domain=onnx_node.domain or "",
            op_version=TORCH_OPSET,
            name=scope.get_unique_operator_name(onnx_node.op_type),
            **attributes,
        )
    return renamed(graph.output[0].name)


def _attribute_value(attribute: Any) -> Any:
    from onnx import helper

    return helper.get_attribute_value(attribute)


def _network_output(scope: Any, operator: Any, container: Any) -> str:
    features = node(
        scope, container, "Cast", feature_matrix(scope, operator, container), to=TensorProto.DOUBLE
    )
    return _splice(scope, container, network_graph(operator.raw_operator), features)


def _convert_classifier(scope: Any, operator: Any, container: Any) -> None:
    classifier_outputs(scope, container, operator, _network_output(scope, operator, container), "softmax")


def _convert_regressor(scope: Any, operator: Any, container: Any) -> None:
    estimator = operator.raw_operator
    if getattr(estimator, "_y_ndim", 1) != 1:
        raise ValueError("a NeuralNetRegressor fit on several targets is not exportable")
    values = _network_output(scope, operator, container)
    scale = constant(scope, container, "y_scale", np.asarray(estimator.y_scale_, dtype=float).reshape(1, -1))
    mean = constant(scope, container, "y_mean", np.asarray(estimator.y_mean_, dtype=float).reshape(1, -1))
    scaled = node(scope, container, "Mul", [values, scale])
    node(scope, container, "Add", [scaled, mean], operator.outputs[0].full_name)


def register() -> None:
    from trainguard.nn.estimators import NeuralNetClassifier, NeuralNetRegressor

    register_pair(NeuralNetClassifier, NeuralNetRegressor, _convert_classifier, _convert_regressor)
