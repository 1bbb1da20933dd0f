"""What the report is built from: the files of a run folder, and the extra ones saved for it.

The run folder is the source of truth, so ``trainguard report RUN`` must work from the folder
alone, long after the data file is gone. Whatever the report shows that the manifest, metrics
and leaderboard do not hold is saved at train time by :func:`save_report_inputs`. Every extra
file is optional when reading: a run from an older version, or one without a network, still
gets a report with the sections it has data for.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trainguard.track.run_folder import (
    DIAGNOSIS,
    HISTORY,
    IMPORTANCE,
    LEADERBOARD,
    LR_FINDER,
    MANIFEST,
    METRICS,
    TEST_PREDICTIONS,
    read_csv,
    read_json,
    require_run_folder,
    to_json,
)


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
        folder = require_run_folder(path)
        return cls(
            path=folder,
            manifest=read_json(folder / MANIFEST, optional=True) or {},
            metrics=read_json(folder / METRICS, optional=True) or {},
            leaderboard=read_csv(folder / LEADERBOARD, optional=True),
            predictions=read_csv(folder / TEST_PREDICTIONS, optional=True),
            importance=read_csv(folder / IMPORTANCE, optional=True),
            history=read_csv(folder / HISTORY, optional=True),
            lr_finder=read_csv(folder / LR_FINDER, optional=True),
            diagnosis=read_json(folder / DIAGNOSIS, optional=True),
        )


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
