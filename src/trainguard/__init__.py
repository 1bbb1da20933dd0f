"""trainguard: train machine-learning models on tabular data the right way.

>>> import trainguard
>>> run = trainguard.train("churn.csv", target="churned")      # doctest: +SKIP
>>> run.leaderboard, run.metrics["test"], run.predict(new_rows)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from trainguard.errors import ConfigError, DataError, SchemaMismatchError, TrainguardError
from trainguard.findings import Finding, Severity
from trainguard.version import __version__

if TYPE_CHECKING:
    from trainguard.config import TrainConfig
    from trainguard.selection.api import SearchResult, search
    from trainguard.workflow import CheckReport, Reporter, Run, check, train


# The workflow pulls in scikit-learn and pandas; import it on first use so that
# ``import trainguard.errors`` (and ``trainguard --help``) stay fast.
_LAZY = {
    "train": "trainguard.workflow",
    "check": "trainguard.workflow",
    "Run": "trainguard.workflow",
    "Reporter": "trainguard.workflow",
    "CheckReport": "trainguard.workflow",
    "TrainConfig": "trainguard.config",
    "search": "trainguard.selection.api",
    "SearchResult": "trainguard.selection.api",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'trainguard' has no attribute {name!r}")


def load_run(path: str | os.PathLike[str], *, trust: frozenset[str] = frozenset()) -> Run:
    """Open a run folder written by :func:`train` to inspect it or score new rows."""
    from trainguard.track.run import Run

    return Run.load(path, trust=trust)


__all__ = [
    "CheckReport",
    "ConfigError",
    "DataError",
    "Finding",
    "Reporter",
    "Run",
    "SchemaMismatchError",
    "SearchResult",
    "Severity",
    "TrainConfig",
    "TrainguardError",
    "__version__",
    "check",
    "load_run",
    "search",
    "train",
]
