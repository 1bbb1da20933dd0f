"""``SimpleImputer`` as trainguard uses it: numbers with a missing-value indicator, and strings.

skl2onnx's converter ignores ``add_indicator`` (its output is narrower than scikit-learn's),
refuses a string imputer whose ``missing_values`` is NaN, and emits an ``Imputer`` node that
onnxruntime runs on float32 only. This converter handles every imputer of NaN values in double
precision and hands any other back to skl2onnx's own converter.

Missing values arrive as NaN in numeric inputs and as the empty string in string inputs (see
:func:`trainguard.export.inputs.onnx_feed`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto
from sklearn.impute import SimpleImputer

MISSING_STRING = ""


def _is_string_imputer(imputer: SimpleImputer) -> bool:
    return imputer.statistics_.dtype.kind in "OUS"


def handled_here(imputer: SimpleImputer) -> bool:
    """Whether this module converts ``imputer`` (else skl2onnx's own converter does)."""
    # Every NaN imputer: skl2onnx's converter emits ai.onnx.ml Imputer, which onnxruntime runs on
    # float32 only, and trainguard computes in double (e.g. the imputer after datetime parts).
    return isinstance(imputer.missing_values, float) and np.isnan(imputer.missing_values)


def output_width(imputer: SimpleImputer) -> int:
    kept = int(np.sum(~_empty_features(imputer)))
    indicator = len(imputer.indicator_.features_) if imputer.add_indicator else 0
    return kept + indicator


def _empty_features(imputer: SimpleImputer) -> np.ndarray:
    """Columns scikit-learn drops from the output (all missing in fit, ``keep_empty_features`` off)."""
    if _is_string_imputer(imputer) or imputer.keep_empty_features:
        return np.zeros(len(imputer.statistics_), dtype=bool)
    return np.isnan(imputer.statistics_.astype(float))


def _shape(operator: Any) -> None:
    from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

    imputer = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    if not handled_here(imputer):
        from skl2onnx.shape_calculators.imputer import calculate_sklearn_imputer_output_shapes

        calculate_sklearn_imputer_output_shapes(operator)
        return
    kind = StringTensorType if _is_string_imputer(imputer) else DoubleTensorType
    operator.outputs[0].type = kind([n, output_width(imputer)])


def _convert(scope: Any, operator: Any, container: Any) -> None:
    imputer = operator.raw_operator
    if not handled_here(imputer):
        from skl2onnx.operator_converters.imputer_op import convert_sklearn_imputer

        convert_sklearn_imputer(scope, operator, container)
        return
    source = operator.inputs[0].full_name
    if len(operator.inputs) > 1:  # several [N, 1] columns: one matrix first
        source = scope.get_unique_variable_name("imputer_in")
        container.add_node(
            "Concat",
            [i.full_name for i in operator.inputs],
            source,
            axis=1,
            name=scope.get_unique_operator_name("Concat"),
        )
    out = operator.outputs[0].full_name
    if _is_string_imputer(imputer):
        _fill_strings(scope, container, imputer, source, out)
    else:
        _fill_numbers(scope, container, imputer, source, out)


def _const(scope: Any, container: Any, name: str, kind: int, values: Any) -> str:
    array = np.asarray(values)
    unique = scope.get_unique_variable_name(name)
    container.add_initializer(unique, kind, list(array.shape), array.ravel().tolist())
    return unique


def _fill_strings(scope: Any, container: Any, imputer: SimpleImputer, source: str, out: str) -> None:
    fill = _const(
        scope, container, "fill", TensorProto.STRING, np.array([[str(v) for v in imputer.statistics_]])
    )
    empty = _const(scope, container, "empty", TensorProto.STRING, np.array([MISSING_STRING]))
    is_missing = scope.get_unique_variable_name("is_missing")
    container.add_node("Equal", [source, empty], is_missing, name=scope.get_unique_operator_name("Equal"))
    container.add_node("Where", [is_missing, fill, source], out, name=scope.get_unique_operator_name("Where"))


def _fill_numbers(scope: Any, container: Any, imputer: SimpleImputer, source: str, out: str) -> None:
    statistics = imputer.statistics_.astype(float)
    empty = _empty_features(imputer)
    fill_values = np.where(np.isnan(statistics), 0.0, statistics)  # kept empty features become 0
    is_nan = scope.get_unique_variable_name("is_nan")
    container.add_node("IsNaN", source, is_nan, name=scope.get_unique_operator_name("IsNaN"))
    filled = scope.get_unique_variable_name("filled")
    fill = _const(scope, container, "fill", TensorProto.DOUBLE, fill_values.reshape(1, -1))
    container.add_node("Where", [is_nan, fill, source], filled, name=scope.get_unique_operator_name("Where"))
    parts = [_columns(scope, container, filled, np.flatnonzero(~empty))]
    if imputer.add_indicator:
        features = np.asarray(imputer.indicator_.features_)
        flags = _columns(scope, container, is_nan, features)
        as_double = scope.get_unique_variable_name("indicator")
        container.add_node(
            "Cast", flags, as_double, to=TensorProto.DOUBLE, name=scope.get_unique_operator_name("Cast")
        )
        parts.append(as_double)
    container.add_node("Concat", parts, out, axis=1, name=scope.get_unique_operator_name("Concat"))


def _columns(scope: Any, container: Any, source: str, indices: np.ndarray) -> str:
    index = _const(scope, container, "columns", TensorProto.INT64, np.asarray(indices, dtype=np.int64))
    picked = scope.get_unique_variable_name("picked")
    container.add_node(
        "Gather", [source, index], picked, axis=1, name=scope.get_unique_operator_name("Gather")
    )
    return picked


def register() -> None:
    from skl2onnx import update_registered_converter

    update_registered_converter(SimpleImputer, "SklearnImputer", _shape, _convert, overwrite=True)
