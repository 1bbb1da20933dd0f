"""The run folder: its layout (every file name, here and nowhere else), and writing it all-or-nothing.

Everything goes into a hidden temporary folder beside the destination, which is renamed into
place only when the run is complete. A crash, Ctrl-C or bad input therefore never leaves a
half-written run that ``trainguard predict`` might later trust. While a run searches, its
resumable state lives beside it in ``.<name>.search/`` (:mod:`trainguard.track.search_state`);
creating that folder is also how a run claims its name (:func:`claim_destination`), so runs
started at the same moment never pick the same folder.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from trainguard.errors import ConfigError, DataError

# The layout of a run folder. Readers treat every file but the manifest, metrics and leaderboard
# as optional, so runs of older versions still load.
MANIFEST = "manifest.json"
METRICS = "metrics.json"
LEADERBOARD = "leaderboard.csv"
SPLIT = "split.csv"
MODEL = "model.skops"
SEARCH_DB = "search.db"
REPORT = "report.html"
TEST_PREDICTIONS = "test_predictions.csv"
IMPORTANCE = "importance.csv"
HISTORY = "history.csv"
LR_FINDER = "lr_finder.csv"
DIAGNOSIS = "diagnosis.json"
#: The search's record of every finished trial, for ``trainguard train --replay``.
TRIALS = "trials.json"
#: Resume state of a run still searching, in its state folder beside the run folder.
STATE = "state.json"


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


def state_dir(destination: str | os.PathLike[str]) -> Path:
    """Where the run going to ``destination`` keeps its search state until it completes."""
    destination = Path(destination)
    return destination.parent / f".{destination.name}.search"


def is_run_folder(path: str | os.PathLike[str]) -> bool:
    return (Path(path) / MANIFEST).is_file()


def require_run_folder(path: str | os.PathLike[str]) -> Path:
    folder = Path(path)
    if not is_run_folder(folder):
        raise DataError("not a trainguard run folder (no manifest.json)", where=str(folder),
                        fix="pass the folder that 'trainguard train' printed at the end")
    return folder


def default_run_path(root: str | os.PathLike[str], name: str) -> Path:
    """``runs/<name>-<timestamp>``, with a counter past names already taken.

    Only a first guess: two runs can guess the same name at the same moment, so a run owns its
    name once :func:`claim_destination` has created its state folder.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(root) / f"{name}-{stamp}"
    candidate, counter = base, 2
    while candidate.exists() or state_dir(candidate).exists():
        candidate = base.with_name(f"{base.name}-{counter}")
        counter += 1
    return candidate


def claim_destination(destination: Path, *, numbered: bool, resume: bool = False) -> Path:
    """Claim ``destination`` for this run by creating its state folder, atomically.

    ``mkdir`` either creates the folder or fails, also when several processes race for the same
    name, so exactly one run gets each name. With ``numbered`` (a default name) a taken name is
    followed by ``-2``, ``-3``, ...; a name the user chose (``--out``) is refused instead, naming
    what holds it. On ``resume`` the existing state folder is reopened.
    """
    candidate, counter = destination, 2
    numbered_name = re.fullmatch(r"(.*-\d{8}-\d{6})-(\d+)", destination.name)
    if numbered and numbered_name:  # already past a taken name: count on from there
        destination = destination.with_name(numbered_name.group(1))
        counter = int(numbered_name.group(2)) + 1
    while True:
        state = state_dir(candidate)
        if not candidate.exists():
            if resume and state.is_dir():
                return candidate
            state.parent.mkdir(parents=True, exist_ok=True)
            try:
                state.mkdir()
                return candidate
            except FileExistsError:
                pass
        if not numbered:
            if candidate.exists():
                raise ConfigError("the run folder already exists", where=str(candidate),
                                  fix="choose another --out, or delete the old run first")
            raise ConfigError(
                "an interrupted search for this run is waiting to be resumed", where=str(candidate),
                fix=f"continue it with 'trainguard train --resume {candidate}', or delete {state}",
            )
        candidate = destination.with_name(f"{destination.name}-{counter}")
        counter += 1


def read_json(file: Path, *, optional: bool = False) -> Any:
    """A JSON file of a run folder; None for a missing ``optional`` one."""
    if optional and not file.is_file():
        return None
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _unreadable(file, exc) from exc


def read_csv(file: Path, *, optional: bool = False) -> pd.DataFrame | None:
    """A CSV file of a run folder; None for a missing ``optional`` one."""
    if optional and not file.is_file():
        return None
    try:
        return pd.read_csv(file)
    except (OSError, ValueError) as exc:
        raise _unreadable(file, exc) from exc


def _unreadable(file: Path, exc: BaseException) -> DataError:
    return DataError(f"the run file cannot be read ({exc})", where=str(file),
                     fix="re-run 'trainguard train' to write the run again")


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
