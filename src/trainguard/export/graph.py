"""One ONNX graph for a run's whole fitted pipeline: raw feature columns in, predictions out.

skl2onnx converts the pipeline (with trainguard's converters for what it lacks, see
:mod:`trainguard.export.converters`); a tuned decision threshold is then applied to the
probabilities here, and the manifest's schema is embedded as metadata. Outputs:

* classification: ``label`` (``[N]``, the class labels) and ``probabilities`` (``[N, K]``, in the
  order of the ``classes`` metadata);
* regression: ``prediction`` (``[N, 1]``), on the target's scale: a model fitted through a target
  transform predicts on the transformed scale, and the graph ends with the inverse transform
  (:mod:`trainguard.export.converters.target_transform`).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from onnx import TensorProto, helper

from trainguard.errors import ConfigError
from trainguard.export.converters import register_converters
from trainguard.export.converters.heads import label_kind
from trainguard.export.converters.target_transform import append_inverse
from trainguard.export.converters.trees import declare_ml_opset
from trainguard.export.inputs import MISSING_STRING, input_types
from trainguard.models import target_transform
from trainguard.models.base import unwrap
from trainguard.models.ensemble import WeightedEnsemble
from trainguard.version import __version__

OPSETS = {"": 19, "ai.onnx.ml": 3}
#: Families ONNX export converts; an ``ensemble`` of them is exported too.
EXPORTABLE_FAMILIES = ("baseline", "linear", "random_forest", "gradient_boosting", "lightgbm", "mlp")


def _scoring_pipeline(pipeline: Any) -> Any:
    """The pipeline without a resampling step (SMOTE and undersampling act only during fit)."""
    from sklearn.pipeline import Pipeline

    steps = [(name, step) for name, step in pipeline.steps if name != "resample"]
    return Pipeline(steps) if len(steps) != len(pipeline.steps) else pipeline


def _unsupported(run: Any, model: Any, reason: object) -> ConfigError:
    family = run.model_name
    others = ",".join(f for f in EXPORTABLE_FAMILIES if f != family)
    return ConfigError(
        f"model family {family!r} ({type(model).__name__}) cannot be exported to ONNX ({reason})",
        where=str(run.path),
        fix=f"retrain with --models {others} (families ONNX export supports), or deploy the skops "
        "model with 'trainguard predict' or MLflow",
    )


def build_onnx(run: Any) -> Any:
    """The ONNX ``ModelProto`` of ``run``'s fitted pipeline (not yet checked: see ``export_onnx``)."""
    try:
        import skl2onnx  # noqa: F401 - the onnx extra
    except ImportError as exc:
        raise ConfigError(
            f"ONNX export needs the onnx extra ({exc.name} is not installed)",
            where="trainguard export",
            fix="pip install 'trainguard[onnx]'",
        ) from exc
    register_converters()
    pipeline, threshold = unwrap(run.model)
    if isinstance(pipeline, WeightedEnsemble):
        onx = _ensemble_graph(run, pipeline)
    else:
        onx = _member_graph(run, pipeline, run.model_name)
    if threshold is not None:
        model = pipeline if isinstance(pipeline, WeightedEnsemble) else pipeline.steps[-1][1]
        _apply_threshold(onx, model.classes_, threshold)
    _add_metadata(onx, run, threshold)
    return onx


def _member_graph(run: Any, pipeline: Any, family: str) -> Any:
    """One fitted pipeline as a graph: the run's columns in, ``label`` and ``probabilities``
    (classification) or ``prediction`` (regression) out."""
    from skl2onnx import convert_sklearn
    from sklearn.base import is_classifier

    pipeline = _scoring_pipeline(pipeline)
    # A target transform: convert the inner regressor, then append the inverse to its prediction.
    model, transformer = target_transform.split(pipeline.steps[-1][1])
    if transformer is not None:
        from sklearn.pipeline import Pipeline

        pipeline = Pipeline([*pipeline.steps[:-1], (pipeline.steps[-1][0], model)])
    classification = is_classifier(model)
    options = {id(model): {"zipmap": False}} if classification else None
    try:
        onx = convert_sklearn(
            pipeline,
            initial_types=input_types(run.schema),
            options=options,
            target_opset=OPSETS,
            name=f"trainguard-{family}",
        )
    except Exception as exc:  # noqa: BLE001 - skl2onnx raises many types for one meaning
        raise _unsupported(run, model, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}") from exc
    _restore_input_names(onx, [name for name, _ in input_types(run.schema)])
    declare_ml_opset(onx)
    outputs = [o.name for o in onx.graph.output]
    if classification:
        _rename_output(onx, outputs[0], "label")
        _rename_output(onx, outputs[1], "probabilities")
    else:
        _rename_output(onx, outputs[0], "prediction" if transformer is None else "transformed_prediction")
        if transformer is not None:
            append_inverse(onx.graph, transformer, "transformed_prediction", "prediction")
    return onx


def _ensemble_graph(run: Any, ensemble: Any) -> Any:
    """The members' graphs side by side on the same inputs (names prefixed ``m0_``, ``m1_``..),
    then the weighted sum of their probabilities (and its argmax) or predictions."""
    from onnx import compose

    regression = ensemble.regression
    output = "prediction" if regression else "probabilities"
    nodes: list[Any] = []
    initializers: list[Any] = []
    opsets: dict[str, int] = {}
    inputs = None
    terms = []
    for i, (weight, member) in enumerate(zip(ensemble.weights_, ensemble.estimators_, strict=True)):
        name = ensemble.estimators[i][0]
        family = name if isinstance(name, str) else f"member {i}"
        try:
            graph = _member_graph(run, unwrap(member)[0], family)
        except ConfigError as exc:
            raise ConfigError(
                f"the ensemble's member {family!r} cannot be exported to ONNX ({exc.what})",
                where=str(run.path),
                fix=f"retrain without {family!r} in --models, or deploy the skops model with "
                "'trainguard predict' or MLflow",
            ) from exc
        if not regression and list(member.classes_) != list(ensemble.classes_):
            raise ConfigError(
                f"the ensemble's member {family!r} knows the classes {list(member.classes_)}, "
                f"not all of {list(ensemble.classes_)}, which ONNX export does not support",
                where=str(run.path),
                fix="deploy the skops model with 'trainguard predict' or MLflow",
            )
        prefixed = compose.add_prefix(graph, f"m{i}_", rename_inputs=False)
        inputs = inputs or list(prefixed.graph.input)
        nodes += list(prefixed.graph.node)
        initializers += list(prefixed.graph.initializer)
        for entry in prefixed.opset_import:
            opsets[entry.domain] = max(opsets.get(entry.domain, 0), entry.version)
        initializers.append(helper.make_tensor(f"m{i}_weight", TensorProto.DOUBLE, [], [float(weight)]))
        nodes.append(helper.make_node("Mul", [f"m{i}_{output}", f"m{i}_weight"], [f"m{i}_weighted"]))
        terms.append(f"m{i}_weighted")
    nodes.append(helper.make_node("Sum", terms, [output]))
    outputs = [helper.make_tensor_value_info(output, TensorProto.DOUBLE, [None, None])]
    if not regression:
        initializers.append(_classes_tensor("ensemble_classes", ensemble.classes_))
        nodes += [
            helper.make_node("ArgMax", [output], ["best_class"], axis=1, keepdims=0, select_last_index=0),
            helper.make_node("Gather", ["ensemble_classes", "best_class"], ["label"], axis=0),
        ]
        kind = label_kind(ensemble.classes_)
        outputs.insert(0, helper.make_tensor_value_info("label", kind, [None]))
    graph = helper.make_graph(nodes, "trainguard-ensemble", inputs, outputs, initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets.items()])


def _restore_input_names(onx: Any, columns: list[str]) -> None:
    """Name each input exactly as its column (skl2onnx rewrites names such as ``"mean radius"``)."""
    inputs = list(onx.graph.input)
    if len(inputs) != len(columns):
        raise RuntimeError(f"the ONNX graph has {len(inputs)} inputs for {len(columns)} feature columns")
    renamed = {graph_input.name: column for graph_input, column in zip(inputs, columns, strict=True)}
    for graph_input in inputs:
        graph_input.name = renamed[graph_input.name]
    for n in onx.graph.node:
        n.input[:] = [renamed.get(i, i) for i in n.input]


def _rename_output(onx: Any, old: str, new: str) -> None:
    if old == new:
        return
    for n in onx.graph.node:
        n.output[:] = [new if o == old else o for o in n.output]
        n.input[:] = [new if i == old else i for i in n.input]
    for output in onx.graph.output:
        if output.name == old:
            output.name = new


def _classes_tensor(name: str, classes: np.ndarray) -> Any:
    """The class labels as a 1-D int64 or string initializer (for ``Gather`` by class index)."""
    kind = label_kind(classes)
    values = (
        np.asarray(classes, dtype=np.int64) if kind == TensorProto.INT64 else np.asarray(classes).astype(str)
    )
    content = [str(v).encode() for v in values] if kind == TensorProto.STRING else values.tolist()
    return helper.make_tensor(name, kind, [len(values)], content)


def _apply_threshold(onx: Any, classes: np.ndarray, threshold: float) -> None:
    """``label`` = the second class where its probability is at least ``threshold``, else the first
    (scikit-learn's ``FixedThresholdClassifier`` on ``predict_proba``)."""
    graph = onx.graph
    _rename_output(onx, "label", "label_argmax")
    graph.initializer.extend(
        [
            helper.make_tensor("threshold_value", TensorProto.DOUBLE, [], [float(threshold)]),
            helper.make_tensor("threshold_column", TensorProto.INT64, [], [1]),
            _classes_tensor("threshold_classes", classes),
        ]
    )
    graph.node.extend(
        [
            helper.make_node("Gather", ["probabilities", "threshold_column"], ["positive_proba"], axis=1),
            helper.make_node("GreaterOrEqual", ["positive_proba", "threshold_value"], ["is_positive"]),
            helper.make_node("Cast", ["is_positive"], ["class_index"], to=TensorProto.INT64),
            helper.make_node("Gather", ["threshold_classes", "class_index"], ["label"], axis=0),
        ]
    )
    for output in graph.output:
        if output.name == "label_argmax":
            output.name = "label"
    # The argmax label is no longer a graph output; it stays as an unused intermediate value.


def _add_metadata(onx: Any, run: Any, threshold: float | None) -> None:
    metadata = {
        "trainguard.version": __version__,
        "trainguard.model": run.model_name,
        "trainguard.task": run.task,
        "trainguard.target": json.dumps(run.manifest["target"]),
        "trainguard.schema": json.dumps(run.manifest["schema"]),
        "trainguard.inputs": json.dumps(
            {
                "one_tensor_per_column": "[N, 1], named as the column",
                "numeric_and_boolean": "double, NaN when missing (booleans as 0/1)",
                "categorical": f"string, {MISSING_STRING!r} when missing",
                "text": f"string lowercased with Python's str.lower (Unicode full case mapping), "
                f"{MISSING_STRING!r} when missing",
                "datetime": "double, whole seconds since 1970-01-01 (UTC), NaN when missing",
            }
        ),
        "trainguard.classes": json.dumps(run.classes),
        "trainguard.threshold": json.dumps(threshold),
        "trainguard.fingerprint": str(run.manifest.get("data", {}).get("fingerprint", "")),
    }
    for key, value in metadata.items():
        entry = onx.metadata_props.add()
        entry.key, entry.value = key, value
    onx.producer_name = "trainguard"
    onx.producer_version = __version__
    onx.doc_string = (
        f"trainguard run {run.path.name}: {run.model_name} for {run.target!r} "
        f"({run.task}); inputs and classes in metadata_props"
    )
