"""The stages of a run, in order: prepare, split, check, select, finalize, save, track.

``trainguard train`` runs all of them (:func:`trainguard.workflow.training.train`);
``trainguard check`` runs the first three with the same settings, so its leakage check sees the
same training rows ``train`` would (:func:`trainguard.workflow.check.check`). Each stage takes
the typed settings (:class:`~trainguard.config.TrainSettings`) and the previous stages' results,
and the order is the guarantee: rows are split before anything is fit, every statistic is fit
on training rows inside a pipeline, candidates are chosen without the test rows, and the
sealed test set is opened once, for the final model.
"""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trainguard.config import TrainSettings
from trainguard.data.fingerprint import fingerprint
from trainguard.data.load import read_table
from trainguard.data.schema import Schema, coerce_features, infer_schema, parse_datetimes
from trainguard.data.target import Target, prepare_target
from trainguard.data.validate import check_duplicate_columns
from trainguard.diagnose.run import run_data_checks
from trainguard.diagnose.training_checks import check_training
from trainguard.errors import DataError, TrainguardError
from trainguard.evaluate.metrics import Metric, default_metric, get_metric
from trainguard.evaluate.sealed import SealedTestSet
from trainguard.findings import Finding, Severity
from trainguard.models import ModelContext
from trainguard.models.base import Candidate, RowKeys
from trainguard.models.persist import save_model
from trainguard.models.target_transform import TargetShape
from trainguard.models.threads import cpu_threads
from trainguard.selection.budget import Budget, run_reserve
from trainguard.selection.engine import Engine, LocalEngine
from trainguard.selection.folds import make_folds, resolve_folds
from trainguard.selection.replay import ReplayEngine, SearchRecord
from trainguard.selection.select import CandidateResult, Leaderboard, search_candidates
from trainguard.selection.spaces import read_space_file
from trainguard.selection.stage import documented_spaces, resolve_imbalance
from trainguard.selection.tuner import DEFAULT_TRIALS, SearchData, SearchSettings
from trainguard.split.splitter import Split, split_rows
from trainguard.track import search_state
from trainguard.track.run import Run
from trainguard.track.run_folder import (
    LEADERBOARD,
    MANIFEST,
    METRICS,
    MODEL,
    SPLIT,
    TRIALS,
    RunFolder,
    claim_destination,
    default_run_path,
)
from trainguard.workflow.progress import Reporter

VERSIONED_PACKAGES = ("trainguard", "numpy", "pandas", "scikit-learn", "scipy", "skops", "pyarrow", "torch")


# ---------------------------------------------------------------------------------------- prepare
@dataclass
class Prepared:
    """The data after loading and cleaning, before anything is fit."""

    frame: pd.DataFrame
    source: str
    n_rows_read: int
    target: Target
    schema: Schema
    #: The ``--time`` column parsed as times (once per run), or None without ``--time``.
    times: pd.Series | None
    #: What loading noticed (rows without a target, ...).
    findings: list[Finding] = field(default_factory=list)


def _load(data: pd.DataFrame | str | os.PathLike[str]) -> tuple[pd.DataFrame, str]:
    if isinstance(data, pd.DataFrame):
        check_duplicate_columns(data, "DataFrame")
        if data.empty:
            raise DataError("the DataFrame has no rows", where="DataFrame", fix="pass a frame with data")
        return data.reset_index(drop=True), "DataFrame"
    return read_table(data), str(data)


def parse_time_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """The ``--time`` column as numbers or timestamps that order the rows."""
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values
    parsed = parse_datetimes(values)
    unparsed = values.notna() & parsed.isna()
    if unparsed.all() or unparsed.mean() > 0.05:
        examples = values[unparsed].head(3).tolist()
        raise DataError(
            f"column {column!r} does not parse as time ({int(unparsed.sum())} of {len(values)} "
            f"values, e.g. {examples!r})",
            where="--time",
            fix="pass a column of dates, timestamps or numbers that order the rows in time",
        )
    return parsed


def prepare(data: pd.DataFrame | str | os.PathLike[str], settings: TrainSettings) -> Prepared:
    """Read the data, find the target and the task, and infer every column's role."""
    config = settings.config
    findings: list[Finding] = []
    frame, source = _load(data)
    n_rows_read = len(frame)
    target = prepare_target(frame, config.target, task=config.task, where=source)
    if target.n_dropped:
        findings.append(Finding(
            id="missing-target",
            severity=Severity.WARNING,
            message=f"{target.n_dropped} row(s) have no value in target {config.target!r} and were dropped",
            fix="fill in the outcome for those rows if they should count",
            evidence={"rows_dropped": target.n_dropped},
        ))
        frame = frame.iloc[target.kept_rows].reset_index(drop=True)
    schema = infer_schema(
        frame, target=config.target, categorical=config.categorical, drop=config.drop,
        ids=config.ids, group=config.group, time=config.time,
    )
    times = parse_time_column(frame, config.time) if config.time else None
    return Prepared(frame, source, n_rows_read, target, schema, times, findings)


def metric_for(prepared: Prepared, settings: TrainSettings) -> Metric:
    """``--metric`` (or the task's default), checked as soon as the task is known."""
    task = prepared.target.task
    return get_metric(settings.config.metric or default_metric(task), task)


# ------------------------------------------------------------------------------------------ split
def split(prepared: Prepared, settings: TrainSettings) -> Split:
    """Train, validation and test rows: stratified, grouped (``--group``) or in time order."""
    config = settings.config
    classification = prepared.target.task != "regression"
    groups = prepared.frame[config.group] if config.group else None
    try:
        return split_rows(
            len(prepared.frame),
            fractions=settings.fractions,
            y=prepared.target.values.to_numpy() if classification else None,
            stratify=classification and groups is None and prepared.times is None,
            groups=groups,
            group_name=config.group or "group",
            times=prepared.times,
            time_name=config.time or "time",
            target_name=config.target,
            seed=config.seed,
        )
    except TrainguardError as exc:
        # The splitter knows rows, not files: say which data the problem is in.
        if exc.where is None:
            exc.where = prepared.source
        raise


# ------------------------------------------------------------------------------------------ check
def check(prepared: Prepared, split: Split, settings: TrainSettings) -> list[Finding]:
    """Data checks, leakage on the training rows only, and split checks: everything found so far."""
    config = settings.config
    return prepared.findings + run_data_checks(
        prepared.frame, prepared.target, prepared.schema, split, group=config.group,
        time=config.time, times=prepared.times, seed=config.seed,
    )


# ----------------------------------------------------------------------------------------- select
def run_budget(settings: TrainSettings, started: float | None = None) -> Budget:
    """The run's ``--budget`` clock, started at ``started`` (``time.monotonic()``) or now."""
    seconds = settings.budget_seconds
    # A clock started by the command line started with the process, and so did its CPU time.
    return Budget(seconds, started=time.monotonic() if started is None else started,
                  cpu_started=time.process_time() if started is None else 0.0,
                  reserve=run_reserve(seconds) if seconds is not None else 0.0,
                  evaluation_resamples=settings.config.bootstrap_resamples)


def run_destination(data: pd.DataFrame | str | os.PathLike[str], settings: TrainSettings) -> Path:
    """``--out``, or ``runs/<name>-<timestamp>``; the name is claimed when the search starts."""
    config = settings.config
    if config.out:
        RunFolder(config.out)  # refuses an existing folder now, not after training
        return Path(config.out)
    if config.name:
        name = config.name
    elif isinstance(data, pd.DataFrame):
        name = "run"
    else:
        name = Path(data).name.split(".")[0]  # "churn.csv.gz" -> "churn"
    return default_run_path(config.runs_dir, name)


def search_settings(settings: TrainSettings, task: str, state_folder: Path | None,
                    budget: Budget | None = None, replay: SearchRecord | None = None) -> SearchSettings:
    """How the search runs: sampler, trials, budget, spaces (``--space`` for this task), engine
    (with ``replay``, the recorded trials of ``--replay``)."""
    budget = budget or Budget(None)
    config = settings.config
    trials = settings.trials if settings.trials is not None else (None if budget.limited else DEFAULT_TRIALS)
    spaces = read_space_file(config.space, documented_spaces(task)) if config.space else {}
    return SearchSettings(
        sampler=settings.sampler, n_trials=trials, budget=budget, seed=config.seed, spaces=spaces,
        storage=search_state.storage_url(state_folder) if state_folder is not None else None,
        engine=ReplayEngine(replay) if replay is not None else _engine(config.engine, config.address),
    )


def _engine(name: str, address: str | None) -> Engine:
    """The engine of ``--engine`` (already checked by :mod:`trainguard.config`)."""
    if name == "ray":
        from trainguard.selection.ray_engine import RayEngine  # ray is imported only here

        return RayEngine(address)
    return LocalEngine()


@dataclass
class Selected:
    """What selection produced: the leaderboard, and the rows the later stages use."""

    board: Leaderboard
    task: str
    X: pd.DataFrame
    y: pd.Series
    X_train: pd.DataFrame
    sealed: SealedTestSet
    metric: Metric
    destination: Path
    state_folder: Path
    #: The run this one replays (``--replay``), or None.
    replay_of: str | None = None

    @property
    def best(self) -> CandidateResult:
        return self._chosen()[0]

    @property
    def baseline(self) -> CandidateResult:
        return self._chosen()[1]

    def _chosen(self) -> tuple[CandidateResult, CandidateResult]:
        best, baseline = self.board.best(), self.board.baseline()
        if best is None or best.pipeline is None or baseline is None or baseline.pipeline is None:
            errors = "; ".join(f"{r.name}: {r.error}" for r in self.board.results if r.error)
            raise RuntimeError(f"no candidate could be trained ({errors})")
        return best, baseline


def select(prepared: Prepared, split: Split, settings: TrainSettings, metric: Metric, *,
           source: str | None, destination: Path, budget: Budget, reporter: Reporter,
           resume: bool = False, replay: tuple[str, SearchRecord] | None = None) -> Selected:
    """Search every candidate on the training rows (CV) and compare them; the test rows are sealed.

    The search state lives beside the run folder until it completes, so ``--resume`` can continue
    it; creating it claims the run's name (see :func:`~trainguard.track.run_folder.claim_destination`).
    """
    config = settings.config
    task = prepared.target.task
    X = coerce_features(prepared.frame, prepared.schema)
    y = prepared.target.values
    X_train, y_train = X.iloc[split.train], y.iloc[split.train]
    X_val, y_val = X.iloc[split.val], y.iloc[split.val]
    sealed = SealedTestSet(X.iloc[split.test], y.iloc[split.test])

    imbalance = resolve_imbalance(config.imbalance, task, y_train)
    context = ModelContext(task=task, schema=prepared.schema, seed=config.seed, n_jobs=config.n_jobs,
                           imbalance=imbalance, tensorboard_dir=config.tensorboard,
                           target_shape=TargetShape.of(y_train) if task == "regression" else None)
    candidates: list[Candidate] = [cls(context) for cls in settings.candidates]
    groups = prepared.frame[config.group].iloc[split.train] if config.group else None
    times = prepared.times.iloc[split.train] if prepared.times is not None else None
    data = search_data(settings, task, X_train, y_train, X_val, y_val, split.test, groups, times)
    engine = search_settings(settings, task, None).engine  # refuses a bad space file now
    engine_check = getattr(engine, "check", None)
    if engine_check is not None:
        engine_check()  # and an unreachable Ray cluster, before the run starts

    destination = claim_destination(destination, numbered=not config.out, resume=resume)
    state_folder = search_state.start(destination, config.to_dict(), source, resume=resume)
    reporter.started(destination, resumable=source is not None)
    with reporter.stage("Searching and training candidates"), cpu_threads(config.n_jobs):
        board = search_candidates(candidates, metric, data,
                                  search_settings(settings, task, state_folder, budget,
                                                  replay[1] if replay is not None else None),
                                  on_result=reporter.candidate, on_trial=reporter.trial)
    reporter.leaderboard(board)
    return Selected(board, task, X, y, X_train, sealed, metric, destination, state_folder,
                    replay_of=replay[0] if replay is not None else None)


def search_data(settings: TrainSettings, task: str, X_train: pd.DataFrame, y_train: pd.Series,
                 X_val: pd.DataFrame, y_val: pd.Series, test_rows: np.ndarray,
                 groups: pd.Series | None, times: pd.Series | None) -> SearchData:
    """Folds over the training rows as the split was made (stratified, grouped or in time order)."""
    classification = task != "regression"
    n_folds = resolve_folds(settings.cv, len(X_train))
    folds = None
    if n_folds:
        folds = make_folds(n_folds, classification=classification, y=y_train, groups=groups,
                           times=times, seed=settings.config.seed)
    classes = np.unique(np.concatenate([y_train, y_val])) if classification else None
    row_keys = None
    if times is not None:
        row_keys = RowKeys("time", times)
    elif groups is not None:
        row_keys = RowKeys("group", groups)
    return SearchData(X_train, y_train, X_val, y_val, folds=folds, test_rows=test_rows, classes=classes,
                      row_keys=row_keys)


def diagnose(selected: Selected, budget: Budget, settings: TrainSettings) -> list[Finding]:
    """Findings about the search: failed candidates, a budget too small, no better than the
    baseline, over- or underfitting."""
    board = selected.board
    return (_failed_candidates(board) + _budget_findings(board, budget, settings)
            + _no_better_than_baseline(board) + check_training(board))


def _no_better_than_baseline(board: Leaderboard) -> list[Finding]:
    best, baseline = board.best(), board.baseline()
    if best is None or baseline is None:
        return []
    gap = best.val_score - baseline.val_score
    if not board.metric.greater_is_better:
        gap = -gap
    if gap > 1e-9:
        return []
    return [Finding(
        id="no-better-than-baseline",
        severity=Severity.WARNING,
        message=(f"the best model ({best.name}) scores no better than the baseline on validation "
                 f"{board.metric.name} ({best.val_score:.4g} vs {baseline.val_score:.4g}): the "
                 "features may carry no signal about the target"),
        fix="check the target column and the features; more data or better features may help",
    )]


def _failed_candidates(board: Leaderboard) -> list[Finding]:
    return [
        Finding(
            id="candidate-failed",
            severity=Severity.WARNING,
            message=f"candidate {r.name!r} could not be trained: {r.error}",
            fix="the other candidates were compared without it; run with --debug for details",
        )
        for r in board.results if r.error and not r.skipped
    ]


def _budget_findings(board: Leaderboard, budget: Budget, settings: TrainSettings) -> list[Finding]:
    """Say when --budget was too small: families left out, or a first fit that overran it."""
    if not budget.limited:
        return []
    findings = []
    given = settings.config.budget
    skipped = [r.name for r in board.results if r.skipped]
    if skipped:
        findings.append(Finding(
            id="budget-too-small",
            severity=Severity.WARNING,
            message=(f"the time budget ({given}) ran out before {', '.join(skipped)} could "
                     "be searched, so the comparison left them out"),
            fix="pass a larger --budget, or fewer --models to spend it on",
        ))
    spent = budget.elapsed()
    if budget.seconds is not None and spent > budget.seconds:
        findings.append(Finding(
            id="budget-overrun",
            severity=Severity.WARNING,
            message=(f"the run had spent {spent:.0f}s of its {given} budget by the end of the "
                     "search: the first model's defaults, which always run to the end so that there "
                     "is a model, needed more than the whole budget on this data"),
            fix=f"pass --budget {_suggest_budget(spent)} or more, or --cv 0 to score trials on the "
                "validation rows instead of cross-validating",
        ))
    return findings


def _suggest_budget(seconds: float) -> str:
    minutes = max(1, int(np.ceil(3 * seconds / 60)))
    return f"{minutes}m"


# --------------------------------------------------------------------------------------- finalize
@dataclass
class Final:
    """The chosen model, refit, and its one evaluation on the sealed test set."""

    model: Any
    baseline: Any
    test: dict[str, Any]


def finalize(selected: Selected, split: Split, settings: TrainSettings, reporter: Reporter) -> Final:
    """Refit the chosen model (and the baseline) on train+validation, then open the test set once."""
    config = settings.config
    best, baseline = selected.best, selected.baseline
    model, base = best.pipeline, baseline.pipeline
    if config.refit:
        with reporter.stage(f"Refitting {best.name} on train+validation"), cpu_threads(config.n_jobs):
            trval = np.concatenate([split.train, split.val])
            X_trval, y_trval = selected.X.iloc[trval], selected.y.iloc[trval]
            model = best.candidate.refit(best.pipeline, X_trval, y_trval)
            base = baseline.candidate.refit(baseline.pipeline, X_trval, y_trval)

    with reporter.stage("Evaluating on the sealed test set (once)"), cpu_threads(config.n_jobs):
        test = selected.sealed.evaluate(
            {"model": model, "baseline": base}, task=selected.task, metric=selected.metric,
            seed=config.seed, n_resamples=config.bootstrap_resamples, importance_of="model",
        )
    return Final(model, base, test)


# ------------------------------------------------------------------------------------------- save
def save(prepared: Prepared, split: Split, selected: Selected, final: Final, settings: TrainSettings,
         findings: list[Finding], diagnosis: list[Finding], reporter: Reporter) -> Run:
    """Write the run folder all-or-nothing: manifest, metrics, leaderboard, split, model, report."""
    from trainguard.report import save_report_inputs, write_report

    best, board = selected.best, selected.board
    destination = selected.destination
    manifest = _manifest(settings, prepared, split, selected.metric, best.name,
                         best.candidate.params(final.model), findings, destination.name)
    if selected.replay_of is not None:
        manifest["replay_of"] = selected.replay_of
    metrics = {
        "metric": selected.metric.name,
        "greater_is_better": selected.metric.greater_is_better,
        "validation": {r.name: {selected.metric.name: r.val_score,
                                f"train_{selected.metric.name}": r.train_score}
                       for r in board.results},
        "test": final.test,
    }
    leaderboard = board.to_frame()
    sealed = selected.sealed
    with reporter.stage("Saving the run"), RunFolder(destination) as folder:
        split_frame = split.to_frame()
        split_frame["row"] = prepared.target.kept_rows[split_frame["row"].to_numpy()]
        folder.write_csv(SPLIT, split_frame)
        folder.write_csv(LEADERBOARD, leaderboard)
        folder.write_json(METRICS, metrics)
        if board.record is not None:
            folder.write_json(TRIALS, board.record.to_dict())
        save_model(final.model, folder.file(MODEL))
        search_state.finish(selected.state_folder, folder.path)
        folder.write_json(MANIFEST, manifest)
        save_report_inputs(folder.path, predictions=sealed.predictions.get("model"),
                           rows=prepared.target.kept_rows[split.test], importance=sealed.importance,
                           candidates=board.results, diagnosis=diagnosis)
        write_report(folder.path)
        path = folder.commit()
    search_state.cleanup(selected.state_folder)
    return Run(path, manifest=manifest, metrics=metrics, leaderboard=leaderboard, model=final.model)


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in VERSIONED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _manifest(settings: TrainSettings, prepared: Prepared, split: Split, metric: Metric,
              model_name: str, params: dict[str, Any], findings: list[Finding],
              run_name: str) -> dict[str, Any]:
    config, fractions = settings.config, settings.fractions
    return {
        "format": 1,
        "name": run_name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {
            "source": prepared.source,
            "fingerprint": fingerprint(prepared.frame),
            "rows_read": prepared.n_rows_read,
            "rows_used": len(prepared.frame),
            "rows_dropped_missing_target": prepared.target.n_dropped,
            "columns": prepared.frame.shape[1],
        },
        "target": {
            "name": prepared.target.name,
            "task": prepared.target.task,
            "task_reason": prepared.target.reason,
            "classes": prepared.target.classes,
        },
        "schema": prepared.schema.to_dict(),
        "id_columns": list(config.ids),
        "split": {
            "strategy": split.strategy,
            "fractions": {"train": fractions.train, "val": fractions.val, "test": fractions.test},
            "sizes": split.sizes(),
            "seed": config.seed,
            "group": config.group,
            "time": config.time,
            "indices_file": SPLIT,
            "indices_refer_to": "0-based data rows of the source, before rows without a target were dropped",
        },
        "metric": {"name": metric.name, "greater_is_better": metric.greater_is_better},
        "model": {
            "name": model_name,
            "file": MODEL,
            "format": "skops",
            "fit_on": "train+val" if config.refit else "train",
            "params": params,
        },
        "config": config.to_dict(),
        "versions": _versions(),
        "findings": [f.to_dict() for f in findings],
    }


# ------------------------------------------------------------------------------------------ track
def track(run: Run, settings: TrainSettings, reporter: Reporter,
          input_example: pd.DataFrame | None = None) -> None:
    """Log the saved run to MLflow; a failure costs a warning (and ``trainguard track RUN``
    logs it later), never the run."""
    from trainguard.track.mlflow_log import track_run

    track_run(run, settings.config, reporter, input_example=input_example)
