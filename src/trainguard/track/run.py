"""A finished run: what was trained, how it scored, and the model ready to predict.

The run folder is the source of truth. ``Run`` reads it back (``trainguard.load_run``) and
checks new data against the stored schema before the model sees it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trainguard.data.load import read_table
from trainguard.data.schema import Schema
from trainguard.data.validate import NewRowsCheck, check_new_data
from trainguard.errors import DataError
from trainguard.findings import Finding
from trainguard.models.persist import load_model
from trainguard.track.run_folder import (
    LEADERBOARD,
    MANIFEST,
    METRICS,
    MODEL,
    read_csv,
    read_json,
    require_run_folder,
)

#: Rows scored per call of the model when predicting: the same as ONNX scoring
#: (trainguard.export), where it was measured (65,536 rows took a network to 4.9x the input frame).
PREDICT_CHUNK_ROWS = 16_384


@cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl, Windows): nothing to do
        return None


def _return_freed_heap() -> None:
    """Give the memory a scored chunk freed back to the OS (glibc's ``malloc_trim``).

    glibc raises its mmap threshold after large blocks are freed, so a chunk's arrays (a
    16,384-row object column is 128 KiB) then come from the heap, between the network's buffers;
    the gaps were not reused and the resident set grew about 15 MB per chunk (the MLP on 300,000
    rows reached 14x the input frame, 1.8x with this). Dask's workers trim the same way.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _frame_and_origin(data: pd.DataFrame | str | os.PathLike[str], where: str | None = None
                      ) -> tuple[pd.DataFrame, str]:
    """The rows to score and what errors call them: ``where``, else the file, else DataFrame."""
    if isinstance(data, pd.DataFrame):
        return data, where or "DataFrame"
    return read_table(data), where or str(data)


class Run:
    """A trained model with its manifest, metrics and leaderboard."""

    def __init__(
        self,
        path: Path,
        manifest: dict[str, Any],
        metrics: dict[str, Any],
        leaderboard: pd.DataFrame,
        model: Any = None,
        trust: frozenset[str] = frozenset(),
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.metrics = metrics
        self.leaderboard = leaderboard
        self._model = model
        self._trust = trust
        #: Warnings about the last data passed to predict / predict_proba.
        self.last_findings: list[Finding] = []

    def __repr__(self) -> str:
        return (f"<Run {self.path} task={self.task} model={self.model_name} "
                f"test {self.metric}={self.test_score:.4g}>")

    def _repr_html_(self) -> str:
        from trainguard.report.notebook import run_html

        return run_html(self)

    def report(self, *, open_browser: bool = False) -> Any:
        """The full report: shown inline in Jupyter, or opened in the browser (``open_browser``)."""
        from trainguard.report.notebook import report_view

        return report_view(self, open_browser=open_browser)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, trust: frozenset[str] = frozenset()) -> Run:
        folder = require_run_folder(path)
        manifest = read_json(folder / MANIFEST)
        metrics = read_json(folder / METRICS)
        leaderboard = read_csv(folder / LEADERBOARD)
        return cls(folder, manifest, metrics, leaderboard, trust=trust)

    # ------------------------------------------------------------------ what was trained
    @property
    def model(self) -> Any:
        """The fitted scikit-learn pipeline (preprocessing and model), loaded on first use."""
        if self._model is None:
            self._model = load_model(self.path / MODEL, trust=self._trust)
        return self._model

    @property
    def schema(self) -> Schema:
        return Schema.from_dict(self.manifest["schema"])

    @property
    def task(self) -> str:
        return str(self.manifest["target"]["task"])

    @property
    def target(self) -> str:
        return str(self.manifest["target"]["name"])

    @property
    def classes(self) -> list[Any] | None:
        return self.manifest["target"].get("classes")

    @property
    def metric(self) -> str:
        return str(self.manifest["metric"]["name"])

    @property
    def model_name(self) -> str:
        return str(self.manifest["model"]["name"])

    @property
    def test_score(self) -> float:
        value = self.metrics["test"]["model"]["ci"]["value"]
        return float("nan") if value is None else float(value)

    # ------------------------------------------------------------------ scoring new rows
    def _checked_chunks(
        self, data: pd.DataFrame | str | os.PathLike[str], where: str | None = None
    ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        """``(rows as given, features as the model expects them)``, PREDICT_CHUNK_ROWS rows at a
        time: a pipeline's transforms copy what they are given (one-hot columns, float copies) and
        coerced text columns are Python strings, so scoring memory is bounded by the chunk rather
        than growing with the input. The schema's column checks run before the first chunk;
        warnings land in :attr:`last_findings` once every chunk has been checked. ``where`` names a
        frame's origin in errors (default: the file)."""
        check = NewRowsCheck(*_frame_and_origin(data, where), self.schema, target=self.target)
        for chunk in check.chunks(PREDICT_CHUNK_ROWS):
            yield chunk
            _return_freed_heap()
        self.last_findings = check.findings

    def prepare(self, data: pd.DataFrame | str | os.PathLike[str]) -> pd.DataFrame:
        """New rows as the model expects them; warnings land in :attr:`last_findings`."""
        frame, where = _frame_and_origin(data)
        features, self.last_findings = check_new_data(frame, self.schema, target=self.target, where=where)
        return features

    def _scored(self, method: str, data: pd.DataFrame | str | os.PathLike[str]) -> np.ndarray:
        """The model's ``method`` over the checked chunks, joined. The model is reached only after
        the first chunk passed its checks, so bad data fails before the model is loaded."""
        return np.concatenate([np.asarray(getattr(self.model, method)(features))
                               for _, features in self._checked_chunks(data)])

    def predict(self, data: pd.DataFrame | str | os.PathLike[str]) -> np.ndarray:
        return self._scored("predict", data)

    def predict_proba(self, data: pd.DataFrame | str | os.PathLike[str]) -> pd.DataFrame:
        """Class probabilities, one column per class, rows in the input's order."""
        if self.task == "regression":
            raise DataError("probabilities are only defined for classification",
                            where=str(self.path), fix="use predict() for a regression run")
        proba = self._scored("predict_proba", data)
        return pd.DataFrame(proba, columns=[str(c) for c in self.model.classes_])

    def iter_predictions(
        self, data: pd.DataFrame | str | os.PathLike[str], *, proba: bool = False,
        where: str | None = None,
    ) -> Iterator[pd.DataFrame]:
        """:meth:`predictions_frame` chunk by chunk, for writing a large file as it is scored."""
        if proba and self.task == "regression":
            raise DataError("--proba needs a classification run", where=str(self.path),
                            fix="drop --proba for a regression model")
        ids = None
        for rows, features in self._checked_chunks(data, where):
            if ids is None:
                ids = [c for c in self.manifest.get("id_columns", []) if c in rows.columns]
            out = rows[ids].reset_index(drop=True)
            out["prediction"] = np.asarray(self.model.predict(features))
            if proba:
                probabilities = np.asarray(self.model.predict_proba(features))
                for i, label in enumerate(self.model.classes_):
                    out[f"proba_{label}"] = probabilities[:, i]
            yield out

    def predictions_frame(
        self, data: pd.DataFrame | str | os.PathLike[str], *, proba: bool = False,
        where: str | None = None,
    ) -> pd.DataFrame:
        """What ``trainguard predict`` writes: declared id columns, prediction, probabilities."""
        return pd.concat(list(self.iter_predictions(data, proba=proba, where=where)), ignore_index=True)
