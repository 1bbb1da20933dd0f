"""The inverse of a fitted target transform as ONNX nodes on a regressor's prediction.

A regression model fitted through :mod:`trainguard.models.target_transform` is scikit-learn's
``TransformedTargetRegressor``: its inner regressor predicts on the transformed scale and
``predict`` maps the values back with the transformer's ``inverse_transform``. The export converts
the inner regressor as any other model and appends these nodes to its output, in double:

* ``log1p`` (``FunctionTransformer(log1p, expm1)``): ``expm1`` with Kahan's formula
  ``(u - 1) * x / log(u)``, ``u = exp(x)`` (plain ``exp(x) - 1`` loses all relative precision near
  0, where it returns the rounding error of ``u``);
* ``yeo-johnson`` (``PowerTransformer``): undo the standardisation (``x = y * scale + mean``), then
  scikit-learn's ``_yeo_johnson_inverse_transform``, both branches computed on their own half of
  the line (``max(x, 0)``, ``min(x, 0)``) so that the branch ``Where`` leaves out sees 0, not a
  negative base.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto, helper

PREFIX = "target_inverse_"


def _constant(name: str, value: float) -> Any:
    return helper.make_tensor(PREFIX + name, TensorProto.DOUBLE, [], [float(value)])


class _Nodes:
    """Nodes and constants of one inverse, each intermediate value named ``target_inverse_*``."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.constants: dict[str, Any] = {}

    def constant(self, name: str, value: float) -> str:
        self.constants.setdefault(name, _constant(name, value))
        return PREFIX + name

    def op(self, op_type: str, inputs: list[str], output: str, **attributes: Any) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [PREFIX + output], **attributes))
        return PREFIX + output


def _expm1(g: _Nodes, x: str) -> str:
    u = g.op("Exp", [x], "exp")
    u_minus_1 = g.op("Sub", [u, g.constant("one", 1.0)], "exp_minus_one")
    kahan = g.op(
        "Div", [g.op("Mul", [u_minus_1, x], "kahan_numerator"), g.op("Log", [u], "log_exp")], "kahan"
    )
    tiny = g.op("Equal", [u, g.constant("one", 1.0)], "exp_is_one")  # |x| below half an ulp of 1
    underflow = g.op("Equal", [u, g.constant("zero", 0.0)], "exp_is_zero")  # x < -745: log(0)
    exact = g.op("Where", [tiny, x, kahan], "expm1_finite")
    return g.op("Where", [underflow, g.constant("minus_one", -1.0), exact], "expm1")


def _exp_minus_one(g: _Nodes, x: str, name: str) -> str:
    return g.op("Sub", [g.op("Exp", [x], f"{name}_exp"), g.constant("one", 1.0)], name)


def _yeo_johnson(g: _Nodes, x: str, lmbda: float) -> str:
    """scikit-learn's ``PowerTransformer._yeo_johnson_inverse_transform`` for one ``lmbda``."""
    positive = g.op("Max", [x, g.constant("zero", 0.0)], "positive_half")
    negative = g.op("Min", [x, g.constant("zero", 0.0)], "negative_half")
    if abs(lmbda) < np.spacing(1.0):
        upper = _exp_minus_one(g, positive, "upper")
    else:
        base = g.op(
            "Add",
            [g.op("Mul", [positive, g.constant("lambda", lmbda)], "upper_scaled"), g.constant("one", 1.0)],
            "upper_base",
        )
        power = g.op("Pow", [base, g.constant("inverse_lambda", 1 / lmbda)], "upper_power")
        upper = g.op("Sub", [power, g.constant("one", 1.0)], "upper")
    if abs(lmbda - 2) > np.spacing(1.0):
        scaled = g.op("Mul", [negative, g.constant("minus_two_minus_lambda", -(2 - lmbda))], "lower_scaled")
        base = g.op("Add", [scaled, g.constant("one", 1.0)], "lower_base")
        power = g.op("Pow", [base, g.constant("inverse_two_minus_lambda", 1 / (2 - lmbda))], "lower_power")
    else:
        power = g.op("Exp", [g.op("Neg", [negative], "lower_negated")], "lower_power")
    lower = g.op("Sub", [g.constant("one", 1.0), power], "lower")
    is_positive = g.op("GreaterOrEqual", [x, g.constant("zero", 0.0)], "is_positive")
    return g.op("Where", [is_positive, upper, lower], "yeo_johnson")


def inverse_nodes(transformer: Any, source: str, target: str) -> tuple[list[Any], list[Any]]:
    """The nodes and initializers computing ``target`` = ``transformer.inverse_transform(source)``
    for a ``[N, 1]`` tensor ``source`` of any float type; ``target`` is double."""
    from sklearn.preprocessing import FunctionTransformer, PowerTransformer

    g = _Nodes()
    x = g.op("Cast", [source], "input", to=TensorProto.DOUBLE)
    if isinstance(transformer, FunctionTransformer) and transformer.inverse_func is np.expm1:
        result = _expm1(g, x)
    elif isinstance(transformer, PowerTransformer) and transformer.method == "yeo-johnson":
        if transformer.standardize:
            # scikit-learn keeps the standardisation as a private StandardScaler: read its public state.
            scaler = transformer._scaler  # noqa: SLF001
            x = g.op("Mul", [x, g.constant("scale", scaler.scale_[0])], "unscaled")
            x = g.op("Add", [x, g.constant("mean", scaler.mean_[0])], "uncentred")
        result = _yeo_johnson(g, x, float(transformer.lambdas_[0]))
    else:
        raise TypeError(f"no ONNX inverse for target transformer {transformer!r}")
    g.nodes.append(helper.make_node("Identity", [result], [target]))
    return g.nodes, list(g.constants.values())


def append_inverse(graph: Any, transformer: Any, source: str, target: str) -> None:
    """Append the inverse of ``transformer`` to ``graph``: its output ``source`` becomes ``target``
    (double, ``[N, 1]``)."""
    nodes, constants = inverse_nodes(transformer, source, target)
    graph.node.extend(nodes)
    graph.initializer.extend(constants)
    for output in graph.output:
        if output.name == source:
            output.name = target
            output.type.tensor_type.elem_type = TensorProto.DOUBLE
