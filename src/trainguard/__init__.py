"""trainguard: train machine-learning models on tabular data the right way.

>>> import trainguard
>>> run = trainguard.train("churn.csv", target="churned")      # doctest: +SKIP
>>> run.leaderboard, run.metrics["test"], run.predict(new_rows)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from importlib import metadata
from typing import TYPE_CHECKING, Any

from trainguard.errors import ConfigError, DataError, SchemaMismatchError, TrainguardError

if TYPE_CHECKING:
    from trainguard.search.api import SearchResult
    from trainguard.search.api import search as search
    from trainguard.workflow import Reporter, Run, TrainConfig, train

try:
    __version__ = metadata.version("trainguard")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

# The workflow pulls in scikit-learn and pandas; import it on first use so that
# ``import trainguard.errors`` (and ``trainguard --help``) stay fast.
_LAZY = {"train", "Run", "TrainConfig", "Reporter"}


def __getattr__(name: str) -> Any:
    if name == "search":
        import trainguard.search as package  # a callable package: see trainguard/search/__init__.py

        return package
    if name == "SearchResult":
        from trainguard.search import api

        return api.SearchResult
    if name in _LAZY:
        from trainguard import workflow

        return getattr(workflow, name)
    raise AttributeError(f"module 'trainguard' has no attribute {name!r}")


def load_run(path: str | os.PathLike[str], *, trust: frozenset[str] = frozenset()) -> Run:
    """Open a run folder written by :func:`train` to inspect it or score new rows."""
    from trainguard.workflow import Run

    return Run.load(path, trust=trust)


__all__ = [
    "ConfigError",
    "DataError",
    "Reporter",
    "Run",
    "SchemaMismatchError",
    "SearchResult",
    "TrainConfig",
    "TrainguardError",
    "__version__",
    "load_run",
    "search",
    "train",
]
