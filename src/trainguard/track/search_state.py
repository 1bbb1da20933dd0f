"""Search state that survives an interruption, so ``trainguard train --resume RUN`` continues.

The run folder itself is written under a temporary name and appears only when complete, so the
search cannot live there while it runs. It lives beside it instead, in ``.<run name>.search/``:
``state.json`` (the data file and the whole config) and ``search.db`` (the Optuna studies in
SQLite, one per candidate). A finished run copies ``search.db`` into the run folder and removes
the state folder; an interrupted one leaves it for ``--resume``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from trainguard.errors import ConfigError
from trainguard.track.run_folder import SEARCH_DB, STATE, is_run_folder, state_dir


def storage_url(folder: Path) -> str:
    return f"sqlite:///{(folder / SEARCH_DB).resolve()}"


def start(destination: Path, config: dict[str, Any], source: str | None, *, resume: bool) -> Path:
    """Write the resume state into the state folder that claimed ``destination``
    (:func:`~trainguard.track.run_folder.claim_destination`)."""
    folder = state_dir(destination)
    folder.mkdir(parents=True, exist_ok=True)
    if not resume:
        payload = json.dumps({"destination": str(destination.resolve()), "data": source,
                              "config": config}, indent=2, default=str)
        fd, tmp = tempfile.mkstemp(prefix=".state.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, folder / STATE)
    return folder


def finish(folder: Path, run_folder: Path) -> None:
    """Keep the studies with the finished run and drop the resume state."""
    db = folder / SEARCH_DB
    if db.exists():
        shutil.copy2(db, run_folder / SEARCH_DB)


def cleanup(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def find(run: str, runs_dir: str | os.PathLike[str] = "runs") -> tuple[dict[str, Any], Path]:
    """The saved state of the interrupted run ``run`` (a path, or a name under ``runs_dir``)."""
    candidates = [Path(run), Path(runs_dir) / run]
    for destination in candidates:
        folder = state_dir(destination)
        if (folder / STATE).is_file():
            state = json.loads((folder / STATE).read_text(encoding="utf-8"))
            return state, folder
    for destination in candidates:
        if destination.is_dir() and is_run_folder(destination):
            raise ConfigError("this run already completed: there is nothing to resume", where=str(run),
                              fix="start a new run with 'trainguard train DATA --target T'")
    raise ConfigError("no interrupted run with this name or path", where=f"--resume {run}",
                      fix="pass the run folder printed when the run started "
                          "(e.g. runs/churn-20261122-101500)")
