"""What the report is built from: the files of a run folder, and the extra ones saved for it.

The run folder is the source of truth, so ``trainguard report RUN`` must work from the folder
alone, long after the data file is gone. Whatever the report shows that the manifest, metrics
and leaderboard do not hold is saved at train time by :func:`save_report_inputs`. Every extra
file is optional when reading: a run from an older version, or one without a network, still
gets a report with the sections it has data for.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trainguard.errors import DataError
from trainguard.track.run_folder import to_json
from trainguard.workflow.run import LEADERBOARD, MANIFEST, METRICS

REPORT = "report.html"
TEST_PREDICTIONS = "test_predictions.csv"
IMPORTANCE = "importance.csv"
HISTORY = "history.csv"
LR_FINDER = "lr_finder.csv"
DIAGNOSIS = "diagnosis.json"
#: Entries of a metric set that are labels, not scores.
NOT_METRICS = frozenset({"positive_class", "classes", "confusion_matrix"})


@dataclass
class ReportInputs:
    """A run folder read back; optional pieces are None (or empty) when the run has none."""

    path: Path
    manifest: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)
    leaderboard: pd.DataFrame | None = None
    predictions: pd.DataFrame | None = None
    importance: pd.DataFrame | None = None
    history: pd.DataFrame | None = None
    lr_finder: pd.DataFrame | None = None
    diagnosis: list[dict[str, Any]] | None = None

    @property
    def task(self) -> str:
        return str(self.manifest.get("target", {}).get("task", ""))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ReportInputs:
        folder = Path(path)
        if not (folder / MANIFEST).is_file():
            raise DataError("not a trainguard run folder (no manifest.json)", where=str(folder),
                            fix="pass the folder that 'trainguard train' printed at the end")
        return cls(
            path=folder,
            manifest=_json(folder / MANIFEST) or {},
            metrics=_json(folder / METRICS) or {},
            leaderboard=_csv(folder / LEADERBOARD),
            predictions=_csv(folder / TEST_PREDICTIONS),
            importance=_csv(folder / IMPORTANCE),
            history=_csv(folder / HISTORY),
            lr_finder=_csv(folder / LR_FINDER),
            diagnosis=_json(folder / DIAGNOSIS),
        )


def _json(file: Path) -> Any:
    if not file.is_file():
        return None
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"the run file cannot be read ({exc})", where=str(file),
                        fix="re-run 'trainguard train' to write the run again") from exc


def _csv(file: Path) -> pd.DataFrame | None:
    if not file.is_file():
        return None
    try:
        return pd.read_csv(file)
    except (OSError, ValueError) as exc:
        raise DataError(f"the run file cannot be read ({exc})", where=str(file),
                        fix="re-run 'trainguard train' to write the run again") from exc


def training_curves(results: Sequence[Any]) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Per-epoch history and lr-finder sweep of every candidate whose model keeps them.

    Read from the fits made during selection (training rows, early-stopped on validation rows),
    because those carry the validation curve that shows where training was stopped; the refit
    trains a fixed number of epochs without one. A ``model`` column says which candidate.
    """
    histories, sweeps = [], []
    for result in results:
        pipeline = getattr(result, "pipeline", None)
        if pipeline is None:
            continue
        estimator = pipeline[-1] if hasattr(pipeline, "steps") else pipeline
        records = getattr(estimator, "history_", None)
        if records:
            frame = pd.DataFrame(list(records))
            frame.insert(0, "epoch", np.arange(1, len(frame) + 1))
            frame.insert(0, "model", result.name)
            histories.append(frame)
        sweep = getattr(estimator, "lr_finder_", None)
        if sweep is not None and hasattr(sweep, "to_frame"):
            frame = sweep.to_frame().reset_index()
            frame.insert(0, "model", result.name)
            sweeps.append(frame)
    return (pd.concat(histories, ignore_index=True) if histories else None,
            pd.concat(sweeps, ignore_index=True) if sweeps else None)


def save_report_inputs(
    folder: Path,
    *,
    predictions: pd.DataFrame | None,
    rows: Sequence[int] | np.ndarray | None = None,
    importance: pd.DataFrame | None = None,
    candidates: Sequence[Any] = (),
    diagnosis: Sequence[Any] = (),
) -> None:
    """Write the report's extra files into a run folder being written (``RunFolder.path``).

    ``predictions``: the chosen model's sealed test-set predictions; ``rows``: their source data
    rows. ``candidates``: leaderboard results, for per-epoch curves. ``diagnosis``: the findings
    made after training.
    """
    if predictions is not None:
        frame = predictions.copy()
        if rows is not None:
            frame.insert(0, "row", np.asarray(rows))
        frame.to_csv(folder / TEST_PREDICTIONS, index=False)
    if importance is not None:
        importance.to_csv(folder / IMPORTANCE, index=False)
    history, sweep = training_curves(candidates)
    if history is not None:
        history.to_csv(folder / HISTORY, index=False)
    if sweep is not None:
        sweep.to_csv(folder / LR_FINDER, index=False)
    (folder / DIAGNOSIS).write_text(
        to_json([f.to_dict() if hasattr(f, "to_dict") else f for f in diagnosis]) + "\n",
        encoding="utf-8")


def scalar_metrics(metrics: Mapping[str, Any]) -> dict[str, float | None]:
    """The numeric entries of a metric set (confusion matrix, class lists and notes left out)."""
    out: dict[str, float | None] = {}
    for key, value in metrics.items():
        if isinstance(value, bool) or key in NOT_METRICS:
            continue
        if value is None or isinstance(value, (int, float)):
            out[key] = None if value is None or (isinstance(value, float) and math.isnan(value)) \
                else float(value)
    return out
