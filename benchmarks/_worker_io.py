"""What benchmarks/_flaml_worker.py and benchmarks/_autogluon_worker.py share: their command
line and how they write results.

Each worker runs in its peer's own environment, so this module imports only the standard
library and NumPy, which every environment has.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

TASKS = ("binary", "multiclass", "regression")


def parse_worker_args(tool: str, metric_examples: str, budget_name: str,
                      argv: Sequence[str] | None) -> argparse.Namespace:
    """One command line for every worker: quality_at_budget.py calls each the same way."""
    parser = argparse.ArgumentParser(description=f"Fit {tool} on a training file and predict a test file.")
    parser.add_argument("--train", type=Path, required=True, help="CSV with features and target")
    parser.add_argument("--test", type=Path, required=True, help="CSV with the same features")
    parser.add_argument("--target", required=True)
    parser.add_argument("--task", choices=TASKS, required=True)
    parser.add_argument("--metric", required=True, help=f"{tool} metric name, e.g. {metric_examples}")
    parser.add_argument("--budget", type=float, required=True, help=f"{budget_name} in seconds")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--predictions", type=Path, required=True, help="CSV to write")
    parser.add_argument("--info", type=Path, required=True, help="JSON to write")
    return parser.parse_args(argv)


def plain(value: Any) -> Any:
    """JSON-ready: the tools' configurations and leaderboards hold NumPy scalars, and an
    infinite loss (a learner never tried) becomes null rather than JSON's invalid Infinity."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_atomically(path: Path, write: Callable[[Path], Any]) -> None:
    """A half-written file would be read as a result: write beside it, then rename."""
    tmp = path.with_name(f".{path.name}.partial")
    write(tmp)
    os.replace(tmp, path)
