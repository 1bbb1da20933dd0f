"""Every option of ``train``, ``check`` and ``predict``, parsed and validated once.

:class:`TrainConfig` holds the options as the user gave them (from the command line or
``trainguard.train(...)``); it is stored in the manifest so a run can be repeated.
:meth:`TrainConfig.settings` checks all of them together, before any data is read or anything is
printed, and returns :class:`TrainSettings`: typed values that the stages consume, so no stage
parses or re-checks an option. Checks that need the data (is ``--metric`` defined for the task
found? does ``--space`` name parameters of this task?) run as soon as the task is known, in the
stage that learns it.

The option parsers themselves stay beside the concept they parse (``--split`` in
:mod:`trainguard.split.splitter`, ``--budget`` in :mod:`trainguard.selection.budget`, ...): this
module is the one place that calls them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from trainguard.data.target import TASKS
from trainguard.diagnose.run import validate_allow
from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import get_metric
from trainguard.models import resolve_candidates
from trainguard.models.base import Candidate
from trainguard.selection.budget import parse_budget
from trainguard.selection.engine import ENGINES
from trainguard.selection.folds import parse_cv
from trainguard.selection.stage import IMBALANCE, check_space_file
from trainguard.selection.tuner import check_sampler, check_trials
from trainguard.split.splitter import SplitFractions
from trainguard.track.run_folder import require_run_folder

DEFAULT_SEED = 42
DEFAULT_SPLIT = "0.7,0.15,0.15"


@dataclass
class TrainConfig:
    """Every option of ``trainguard train``; stored in the manifest so a run can be repeated."""

    target: str
    task: str | None = None
    metric: str | None = None
    split: str = DEFAULT_SPLIT
    group: str | None = None
    time: str | None = None
    seed: int = DEFAULT_SEED
    categorical: Sequence[str] = ()
    drop: Sequence[str] = ()
    ids: Sequence[str] = ()
    models: Sequence[str] | None = None
    refit: bool = True
    out: str | None = None
    runs_dir: str = "runs"
    name: str | None = None
    n_jobs: int = 1
    bootstrap_resamples: int = 1000
    # Error findings (ids) to continue past; see trainguard.diagnose.run.ALLOWABLE.
    allow: Sequence[str] = ()
    # Hyperparameter search (trainguard.selection.stage): sampler, trials per candidate (None: 4,
    # or as many as fit within --budget), time budget for the whole run, CV folds over the
    # training rows ("auto", 0 = score on validation rows, K >= 2), imbalance handling, a space
    # file, and where trials run.
    search: str = "bayes"
    trials: int | None = None
    budget: str | None = None
    cv: str | int = "auto"
    imbalance: str = "auto"
    space: str | None = None
    engine: str = "local"
    address: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: ``--tensorboard DIR``: network candidates write their per-epoch curves under it.
    tensorboard: str | None = None
    # MLflow: log the run after it is saved (see trainguard.track.mlflow_log); None = MLflow's default.
    track: bool = True
    tracking_uri: str | None = None
    experiment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("categorical", "drop", "ids", "allow"):
            data[key] = list(data[key])
        data["models"] = list(self.models) if self.models else None
        return data

    def settings(self) -> TrainSettings:
        """Every option checked, in one pass; raises the first :class:`ConfigError` found."""
        if self.group and self.time:
            raise ConfigError("--group and --time cannot be combined", where="--group/--time",
                              fix="choose one: --group for grouped rows, --time for time-ordered rows")
        if self.task is not None and self.task not in TASKS:
            raise ConfigError(f"unknown task {self.task!r}", where="--task",
                              fix=f"use one of {', '.join(TASKS)}")
        fractions = SplitFractions.parse(self.split)
        if fractions.val == 0:
            raise ConfigError(
                "the validation share is 0, but candidates are chosen on validation rows",
                where="--split", fix="give validation a share, e.g. --split 0.7,0.15,0.15",
            )
        if self.metric is not None:
            _check_metric_exists(self.metric)
        candidates = tuple(resolve_candidates(list(self.models or [])))
        allow = tuple(validate_allow(self.allow))
        budget = parse_budget(self.budget)
        trials = check_trials(self.trials)
        sampler = check_sampler(self.search)
        cv = parse_cv(self.cv)
        if self.imbalance not in IMBALANCE:
            raise ConfigError(f"unknown imbalance handling {self.imbalance!r}", where="--imbalance",
                              fix=f"choose one of: {', '.join(IMBALANCE)}")
        if self.space:
            check_space_file(self.space)
        if self.engine not in ENGINES:
            raise ConfigError(f"unknown engine {self.engine!r}", where="--engine",
                              fix=f"choose one of: {', '.join(ENGINES)}")
        if self.address and self.engine != "ray":
            raise ConfigError("--address is for --engine ray", where="--address",
                              fix="add --engine ray, or leave --address out")
        if self.tensorboard:
            import importlib.util

            if importlib.util.find_spec("tensorboard") is None:
                raise ConfigError("--tensorboard needs the tensorboard package, which is not installed",
                                  where="--tensorboard",
                                  fix="pip install 'trainguard[tensorboard]', or leave --tensorboard out")
        return TrainSettings(
            config=self, fractions=fractions, candidates=candidates, allow=allow,
            budget_seconds=budget, trials=trials, sampler=sampler, cv=cv,
        )


def _check_metric_exists(name: str) -> None:
    """The task is not known yet; a metric name that fits no task at all can be refused now."""
    errors = []
    for task in TASKS:
        try:
            get_metric(name, task)
            return
        except ConfigError as exc:
            errors.append(exc)
    raise errors[0]


@dataclass(frozen=True)
class TrainSettings:
    """The options of a run, checked and typed.

    The options that need no parsing (target, seed, group, time, engine, ...) are read from
    ``config``, which keeps every option as given (for the manifest and ``--resume``).
    """

    config: TrainConfig
    fractions: SplitFractions
    #: Candidate classes to search, the baseline first (``--models``).
    candidates: tuple[type[Candidate], ...]
    #: Error finding ids to continue past (``--allow``).
    allow: tuple[str, ...]
    #: ``--budget`` in seconds; None: no time limit.
    budget_seconds: float | None
    #: ``--trials`` per candidate; None: the default (or as many as fit within the budget).
    trials: int | None
    #: ``--search``: ``bayes``, ``random`` or ``grid``.
    sampler: str
    #: ``--cv``: ``"auto"``, 0 (score trials on the validation rows) or a number of folds.
    cv: int | str


@dataclass(frozen=True)
class PredictConfig:
    """The options of ``trainguard predict``."""

    run: str
    data: str
    output: str | None = None
    proba: bool = False

    def validate(self) -> PredictConfig:
        """Refuse a run folder that is not one, or an output that is a folder, before reading data."""
        require_run_folder(self.run)
        if self.output is not None and os.path.isdir(self.output):
            raise ConfigError("the output is a folder", where=f"--output {self.output}",
                              fix="pass a file name for the predictions, e.g. predictions.csv")
        return self
