"""Export a run's fitted pipeline to ONNX, checked against the skops model before it is written.

``export_onnx(run, path)`` converts (:func:`~trainguard.export.graph.build_onnx`), runs the ONNX
model with onnxruntime on the run's test rows, compares it with the skops model on the same rows
(:mod:`~trainguard.export.parity`) and writes the file only when labels are identical and
probabilities or values agree within 1e-5.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trainguard.errors import EXIT_INTERNAL, DataError, TrainguardError
from trainguard.export.inputs import onnx_feed
from trainguard.export.parity import TOLERANCE, Parity, compare
from trainguard.track.run import PREDICT_CHUNK_ROWS
from trainguard.track.run_folder import TEST_PREDICTIONS

__all__ = ["ExportResult", "ParityError", "export_onnx", "onnx_feed", "onnx_predict", "onnx_session"]

#: Rows per onnxruntime call in onnx_predict: bounds the intermediate tensors (a network's hidden
#: layers are rows x width doubles), at no measurable cost in speed above a few thousand rows;
#: the same chunks as scoring with the skops model (Run.predict).
CHUNK_ROWS = PREDICT_CHUNK_ROWS


class ParityError(TrainguardError):
    """The ONNX model does not predict what the skops model predicts; nothing was written."""

    exit_code = EXIT_INTERNAL


@dataclass
class ExportResult:
    path: Path
    parity: Parity
    outputs: list[str]


def onnx_session(model: Any) -> Any:
    """An onnxruntime session for a ``ModelProto``, bytes or path, on one thread per op."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    source = model.SerializeToString() if hasattr(model, "SerializeToString") else str(model)
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def onnx_predict(
    session: Any,
    rows: pd.DataFrame,
    schema: Any,
    *,
    chunk_rows: int = CHUNK_ROWS,
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> dict[str, np.ndarray]:
    """Every output of the ONNX model for ``rows``, ``chunk_rows`` rows per onnxruntime call.

    ``rows`` are features as ``Run.prepare`` returns them, or raw rows with ``prepare=run.prepare``:
    then each chunk is checked and converted on its own, so a large frame is never copied whole.
    """
    names = [o.name for o in session.get_outputs()]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for start in range(0, max(len(rows), 1), chunk_rows):
        chunk = rows.iloc[start : start + chunk_rows]
        features = prepare(chunk) if prepare is not None else chunk
        for name, out in zip(names, session.run(None, onnx_feed(features, schema)), strict=True):
            parts[name].append(out)
    return {name: np.concatenate(values) for name, values in parts.items()}


def test_rows(run: Any, data: str | os.PathLike[str] | pd.DataFrame | None) -> pd.DataFrame:
    """The run's test rows, read from ``data`` or from the data file the manifest names."""
    from trainguard.data.load import read_table

    stored = pd.read_csv(run.path / TEST_PREDICTIONS)
    if isinstance(data, pd.DataFrame):
        frame = data
    else:
        source = Path(data) if data is not None else Path(run.manifest["data"]["source"])
        if not source.is_file():
            raise DataError(
                "the export checks the ONNX model on the run's test rows, but the training data "
                "file is not there",
                where=str(source),
                fix="pass the data file the run was trained on with --data FILE",
            )
        frame = read_table(source)
    rows = stored["row"].to_numpy()
    if rows.max(initial=-1) >= len(frame):
        raise DataError(
            f"the data has {len(frame)} rows but the run's test rows go up to {rows.max()}",
            where="--data",
            fix="pass the data file the run was trained on",
        )
    return frame.iloc[rows]


def _check_same_data(run: Any, expected: np.ndarray, stored: pd.DataFrame) -> None:
    """The skops model must reproduce its own stored test predictions: else the data is not the run's."""
    differ = (
        int((np.asarray(expected).astype(str) != stored["y_pred"].to_numpy().astype(str)).sum())
        if run.task != "regression"
        else int((~np.isclose(expected, stored["y_pred"].to_numpy(float))).sum())
    )
    if differ:
        raise DataError(
            f"the skops model predicts {differ} of the {len(stored)} test rows differently from the "
            f"run's {TEST_PREDICTIONS}, so these are not the rows the run was tested on",
            where=str(run.path),
            fix="pass the data file the run was trained on with --data FILE",
        )


def export_onnx(
    run: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    data: str | os.PathLike[str] | pd.DataFrame | None = None,
) -> ExportResult:
    """Convert ``run`` to ONNX, check it on the test rows, and write it (default ``RUN/model.onnx``)."""
    import onnx

    from trainguard.atomic import atomic_path
    from trainguard.export.graph import build_onnx

    target = Path(path) if path is not None else run.path / "model.onnx"
    model = build_onnx(run)
    frame = test_rows(run, data)
    features = run.prepare(frame)
    rows = frame.index.tolist()
    session = onnx_session(model)
    outputs = [o.name for o in session.get_outputs()]
    got = dict(zip(outputs, session.run(None, onnx_feed(features, run.schema)), strict=True))
    expected = np.asarray(run.model.predict(features))
    _check_same_data(run, expected, pd.read_csv(run.path / TEST_PREDICTIONS))
    if run.task == "regression":
        parity = compare(rows, expected, got["prediction"], classification=False)
    else:
        parity = compare(
            rows,
            expected,
            got["label"],
            run.model.predict_proba(features),
            got["probabilities"],
            classification=True,
            classes=[str(c) for c in run.model.classes_],
        )
    if not parity.ok:
        raise ParityError(
            "; ".join(parity.problems),
            where=f"ONNX export of {run.path}",
            fix="nothing was written; please report this with the run folder (a converter "
            f"reproduces the skops model to within {TOLERANCE:g} or it is a bug)",
        )
    with atomic_path(target) as tmp:
        onnx.save(model, str(tmp))
    return ExportResult(target, parity, outputs)
