"""The selection stage of ``trainguard train``: options checked up front, then the search.

It receives the split's training and validation rows and the test row positions (only to refuse
them); the sealed test set itself is never passed here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import Metric
from trainguard.models import available_candidates
from trainguard.models.base import Candidate
from trainguard.search.budget import Budget, parse_budget, run_reserve
from trainguard.search.engine import get_engine
from trainguard.search.folds import make_folds, parse_cv, resolve_folds
from trainguard.search.select import CandidateResult, Leaderboard, TrialProgress, search_candidates
from trainguard.search.spaces import Space, parse_space, read_space_file
from trainguard.search.state import storage_url
from trainguard.search.tuner import (
    DEFAULT_TRIALS,
    SearchData,
    SearchSettings,
    check_sampler,
    check_trials,
)

IMBALANCE = ("auto", "none", "weights", "smote", "undersample")
#: ``--imbalance auto`` weights the classes when the rarest class has fewer than this share of
#: the most common class's training rows; milder imbalance is left alone (weights then cost more
#: calibration than they gain).
AUTO_IMBALANCE_RATIO = 0.25


def documented_spaces(task: str) -> dict[str, Space]:
    return {name: parse_space(cls.search_space(task), f"candidate {name}")
            for name, cls in available_candidates().items()}


def check_options(config: Any) -> None:
    """Refuse bad search options before any data is read."""
    parse_budget(config.budget)
    check_trials(config.trials)
    check_sampler(config.search)
    parse_cv(config.cv)
    if config.imbalance not in IMBALANCE:
        raise ConfigError(f"unknown imbalance handling {config.imbalance!r}", where="--imbalance",
                          fix=f"choose one of: {', '.join(IMBALANCE)}")
    if config.space:
        # The task is not known yet; every task's parameter names are checked once it is.
        by_task = [documented_spaces(task) for task in ("binary", "regression")]
        # A model's parameters differ by task (C for logistic, alpha for ridge): allow either here.
        either = {name: {**by_task[0].get(name, {}), **by_task[1].get(name, {})}
                  for name in by_task[0].keys() | by_task[1].keys()}
        read_space_file(config.space, either)
    if config.engine not in ("local", "ray"):
        raise ConfigError(f"unknown engine {config.engine!r}", where="--engine",
                          fix="choose local or ray")
    if config.address and config.engine != "ray":
        raise ConfigError("--address is for --engine ray", where="--address",
                          fix="add --engine ray, or leave --address out")


def resolve_imbalance(choice: str, task: str, y_train: pd.Series) -> str:
    if task == "regression":
        if choice not in ("auto", "none"):
            raise ConfigError(f"--imbalance {choice} is for classification, but the task is regression",
                              where="--imbalance", fix="leave --imbalance out for a regression target")
        return "none"
    if choice != "auto":
        return choice
    counts = y_train.value_counts()
    return "weights" if counts.min() / counts.max() < AUTO_IMBALANCE_RATIO else "none"


def run_budget(config: Any, started: float | None = None) -> Budget:
    """The run's ``--budget`` clock, started at ``started`` (``time.monotonic()``) or now."""
    seconds = parse_budget(config.budget)
    return Budget(seconds, started=time.monotonic() if started is None else started,
                  reserve=run_reserve(seconds) if seconds is not None else 0.0)


def settings_for(config: Any, task: str, state_folder: Path | None,
                 budget: Budget | None = None) -> SearchSettings:
    budget = budget or Budget(None)
    trials = config.trials if config.trials is not None else (None if budget.limited else DEFAULT_TRIALS)
    spaces = read_space_file(config.space, documented_spaces(task)) if config.space else {}
    return SearchSettings(
        sampler=config.search, n_trials=trials, budget=budget, seed=config.seed, spaces=spaces,
        storage=storage_url(state_folder) if state_folder is not None else None,
        engine=get_engine(config.engine, config.address),
    )


@dataclass
class Prepared:
    """The search's rows and settings, checked before anything is written or fitted."""

    data: SearchData
    config: Any
    task: str
    budget: Budget


def prepare(
    config: Any,
    candidates: list[Candidate],
    X_train: pd.DataFrame,
    y_train: pd.Series,
    X_val: pd.DataFrame,
    y_val: pd.Series,
    *,
    test_rows: np.ndarray,
    groups: pd.Series | None,
    times: pd.Series | None,
    budget: Budget | None = None,
) -> Prepared:
    """Folds over the training rows as the split was made (stratified, grouped or in time order)."""
    task = candidates[0].context.task
    classification = task != "regression"
    n_folds = resolve_folds(parse_cv(config.cv), len(X_train))
    folds = None
    if n_folds:
        folds = make_folds(n_folds, classification=classification, y=y_train, groups=groups,
                           times=times, seed=config.seed)
    classes = np.unique(np.concatenate([y_train, y_val])) if classification else None
    data = SearchData(X_train, y_train, X_val, y_val, folds=folds, test_rows=test_rows, classes=classes)
    engine = settings_for(config, task, None).engine  # refuses a bad space file now
    check = getattr(engine, "check", None)
    if check is not None:
        check()  # and an unreachable Ray cluster, before the run starts
    return Prepared(data, config, task, budget or Budget(None))


def select_models(
    prepared: Prepared,
    candidates: list[Candidate],
    metric: Metric,
    state_folder: Path | None,
    *,
    on_result: Callable[[CandidateResult], None] | None = None,
    on_trial: TrialProgress | None = None,
) -> Leaderboard:
    """The search of every candidate, its studies stored in ``state_folder`` (for --resume)."""
    settings = settings_for(prepared.config, prepared.task, state_folder, prepared.budget)
    return search_candidates(candidates, metric, prepared.data, settings, on_result=on_result,
                             on_trial=on_trial)
