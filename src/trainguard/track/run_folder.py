"""The run folder, written all-or-nothing.

Everything goes into a hidden temporary folder beside the destination, which is renamed into
place only when the run is complete. A crash, Ctrl-C or bad input therefore never leaves a
half-written run that ``trainguard predict`` might later trust.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from trainguard.errors import ConfigError


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return str(value)


def _clean_floats(value: Any) -> Any:
    """NaN and inf are not JSON; write them as null so every JSON reader accepts the file."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean_floats(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_floats(v) for v in value]
    return value


def to_json(data: Any) -> str:
    return json.dumps(_clean_floats(data), indent=2, default=_json_default, allow_nan=False)


def default_run_path(root: str | os.PathLike[str], name: str) -> Path:
    """``runs/<name>-<timestamp>``, with a counter if two runs start in the same second."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(root) / f"{name}-{stamp}"
    candidate, counter = base, 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{counter}")
        counter += 1
    return candidate


class RunFolder:
    """A run folder being written; use as a context manager and call :meth:`commit`."""

    def __init__(self, destination: str | os.PathLike[str]) -> None:
        self.destination = Path(destination)
        if self.destination.exists():
            raise ConfigError(
                "the run folder already exists", where=str(self.destination),
                fix="choose another --out, or delete the old run first",
            )
        self._tmp: Path | None = None
        self._created: list[Path] = []

    def __enter__(self) -> RunFolder:
        parent = self.destination.parent
        # Remember the folders we create, so a failed run leaves no empty 'runs/' behind either.
        self._created = [p for p in (parent, *parent.parents) if not p.exists()]
        parent.mkdir(parents=True, exist_ok=True)
        self._tmp = Path(tempfile.mkdtemp(prefix=f".{self.destination.name}.", suffix=".partial",
                                          dir=parent))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tmp is not None and self._tmp.exists():
            shutil.rmtree(self._tmp, ignore_errors=True)
            for folder in self._created:
                if folder.exists() and not any(folder.iterdir()):
                    folder.rmdir()

    @property
    def path(self) -> Path:
        if self._tmp is None:
            raise RuntimeError("RunFolder is used outside its 'with' block")
        return self._tmp

    def file(self, name: str) -> Path:
        return self.path / name

    def write_json(self, name: str, data: Any) -> None:
        self.file(name).write_text(to_json(data) + "\n", encoding="utf-8")

    def write_csv(self, name: str, frame: pd.DataFrame) -> None:
        frame.to_csv(self.file(name), index=False)

    def commit(self) -> Path:
        """Move the finished folder into place; from now on it is a complete run."""
        if self.destination.exists():
            raise ConfigError("the run folder appeared while training", where=str(self.destination),
                              fix="use a distinct --out for runs that go on at the same time")
        os.replace(self.path, self.destination)
        self._tmp = None
        return self.destination
