"""The main workflow: data file in, leak-free test score and a saved run out.

The order of the steps is the point. The rows are split *before* anything is fit; every
statistic lives inside a pipeline fit on training rows; candidates are chosen on validation
rows; the test rows stay sealed until the chosen model is final and are then used exactly once.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trainguard.data.fingerprint import fingerprint
from trainguard.data.load import read_table
from trainguard.data.schema import Schema, coerce_features, infer_schema, parse_datetimes
from trainguard.data.target import TASKS, Target, prepare_target
from trainguard.data.validate import check_duplicate_columns
from trainguard.findings import Finding, Severity
from trainguard.diagnose.run import refuse, run_data_checks, sort_findings, validate_allow
from trainguard.diagnose.training_checks import check_training
from trainguard.errors import ConfigError, DataError, TrainguardError
from trainguard.evaluate.metrics import Metric, default_metric, get_metric
from trainguard.evaluate.sealed import SealedTestSet
from trainguard.models import ModelContext, resolve_candidates
from trainguard.models.persist import save_model
from trainguard.models.threads import cpu_threads
from trainguard.search import stage as search_stage
from trainguard.search import state as search_state
from trainguard.search.budget import Budget
from trainguard.search.select import Leaderboard
from trainguard.split.splitter import Split, SplitFractions, split_rows
from trainguard.track.run_folder import RunFolder, default_run_path
from trainguard.workflow.progress import Reporter
from trainguard.workflow.run import LEADERBOARD, MANIFEST, METRICS, MODEL, SPLIT, Run

DEFAULT_SEED = 42
DEFAULT_SPLIT = "0.7,0.15,0.15"
VERSIONED_PACKAGES = ("trainguard", "numpy", "pandas", "scikit-learn", "scipy", "skops", "pyarrow", "torch")


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
    # Hyperparameter search (trainguard.search.stage): sampler, trials per candidate (None: 8,
    # or unlimited within --budget), time budget shared by the candidates, CV folds over the
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


@dataclass
class _Prepared:
    """The data after loading and cleaning, before anything is fit."""

    frame: pd.DataFrame
    source: str
    n_rows_read: int
    target: Target
    schema: Schema


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in VERSIONED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _load(data: pd.DataFrame | str | os.PathLike[str]) -> tuple[pd.DataFrame, str]:
    if isinstance(data, pd.DataFrame):
        check_duplicate_columns(data, "DataFrame")
        if data.empty:
            raise DataError("the DataFrame has no rows", where="DataFrame", fix="pass a frame with data")
        return data.reset_index(drop=True), "DataFrame"
    return read_table(data), str(data)


def _check_time_column(frame: pd.DataFrame, column: str) -> pd.Series:
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


def _prepare(data: pd.DataFrame | str | os.PathLike[str],
             config: TrainConfig) -> tuple[_Prepared, list[Finding]]:
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
    return _Prepared(frame, source, n_rows_read, target, schema), findings


def _check_options(config: TrainConfig) -> SplitFractions:
    """Option errors that need no data, raised before the data is read or anything printed."""
    if config.group and config.time:
        raise ConfigError("--group and --time cannot be combined", where="--group/--time",
                          fix="choose one: --group for grouped rows, --time for time-ordered rows")
    fractions = SplitFractions.parse(config.split)
    if fractions.val == 0:
        raise ConfigError(
            "the validation share is 0, but candidates are chosen on validation rows",
            where="--split", fix="give validation a share, e.g. --split 0.7,0.15,0.15",
        )
    if config.metric is not None:
        # The task is not known yet; a name that fits no task at all can be refused now.
        errors = []
        for task in TASKS:
            try:
                get_metric(config.metric, task)
                break
            except ConfigError as exc:
                errors.append(exc)
        else:
            raise errors[0]
    resolve_candidates(list(config.models or []))
    validate_allow(config.allow)
    search_stage.check_options(config)
    return fractions


def _split(prepared: _Prepared, config: TrainConfig, fractions: SplitFractions) -> Split:
    classification = prepared.target.task != "regression"
    times = _check_time_column(prepared.frame, config.time) if config.time else None
    groups = prepared.frame[config.group] if config.group else None
    try:
        return split_rows(
            len(prepared.frame),
            fractions=fractions,
            y=prepared.target.values.to_numpy() if classification else None,
            stratify=classification and groups is None and times is None,
            groups=groups,
            group_name=config.group or "group",
            times=times,
            time_name=config.time or "time",
            target_name=config.target,
            seed=config.seed,
        )
    except TrainguardError as exc:
        # The splitter knows rows, not files: say which data the problem is in.
        if exc.where is None:
            exc.where = prepared.source
        raise


def _run_destination(data: pd.DataFrame | str | os.PathLike[str], config: TrainConfig) -> Path:
    if config.out:
        return Path(config.out)
    if config.name:
        name = config.name
    elif isinstance(data, pd.DataFrame):
        name = "run"
    else:
        name = Path(data).name.split(".")[0]  # "churn.csv.gz" -> "churn"
    return default_run_path(config.runs_dir, name)


def _warn_if_no_better_than_baseline(board: Leaderboard) -> list[Finding]:
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


def _budget_findings(board: Leaderboard, budget: Budget, config: TrainConfig) -> list[Finding]:
    """Say when --budget was too small: families left out, or a first fit that overran it."""
    if not budget.limited:
        return []
    findings = []
    skipped = [r.name for r in board.results if r.skipped]
    if skipped:
        findings.append(Finding(
            id="budget-too-small",
            severity=Severity.WARNING,
            message=(f"the time budget ({config.budget}) ran out before {', '.join(skipped)} could "
                     "be searched, so the comparison left them out"),
            fix="pass a larger --budget, or fewer --models to spend it on",
        ))
    spent = budget.elapsed()
    if budget.seconds is not None and spent > budget.seconds:
        findings.append(Finding(
            id="budget-overrun",
            severity=Severity.WARNING,
            message=(f"the run had spent {spent:.0f}s of its {config.budget} budget by the end of the "
                     "search: the first model's defaults, which always run to the end so that there "
                     "is a model, needed more than the whole budget on this data"),
            fix=f"pass --budget {_suggest_budget(spent)} or more, or --cv 0 to score trials on the "
                "validation rows instead of cross-validating",
        ))
    return findings


def _suggest_budget(seconds: float) -> str:
    minutes = max(1, int(np.ceil(3 * seconds / 60)))
    return f"{minutes}m"


def train(
    data: pd.DataFrame | str | os.PathLike[str],
    target: str | None = None,
    *,
    config: TrainConfig | None = None,
    reporter: Reporter | None = None,
    resume: bool = False,
    started: float | None = None,
    **options: Any,
) -> Run:
    """Train, select and evaluate models on ``data`` and save the run; see ``trainguard train``.

    ``options`` are the fields of :class:`TrainConfig` (``task``, ``metric``, ``split``,
    ``group``, ``time``, ``seed``, ``models``, ``out`` ...). ``started`` (``time.monotonic()``)
    is when the ``--budget`` clock started; by default, now.
    """
    if config is None:
        if target is None:
            raise ConfigError("no target column given", where="target", fix="pass target='column'")
        config = TrainConfig(target=target, **options)
    reporter = reporter or Reporter()
    budget = search_stage.run_budget(config, started)

    fractions = _check_options(config)
    destination = _run_destination(data, config)
    folder = RunFolder(destination)  # fails now, not after training, if the folder exists

    # Everything that can refuse the data happens before anything is printed about it.
    with reporter.stage("Loading, checking and splitting data"):
        prepared, findings = _prepare(data, config)
        split = _split(prepared, config, fractions)
        task = prepared.target.task
        metric = get_metric(config.metric or default_metric(task), task)
        # Data, leakage (training rows only) and split checks; an error not named with
        # --allow stops the run here, before anything is fit, printed or saved.
        times = _check_time_column(prepared.frame, config.time) if config.time else None
        findings += run_data_checks(prepared.frame, prepared.target, prepared.schema, split,
                                    group=config.group, time=config.time, times=times,
                                    seed=config.seed)
        findings = sort_findings(refuse(findings, config.allow))
    reporter.data({"source": prepared.source, "rows": prepared.n_rows_read,
                   "columns": prepared.frame.shape[1], "rows_used": len(prepared.frame)})
    reporter.roles(prepared.schema, prepared.target)
    reporter.split(split)
    for finding in findings:
        reporter.finding(finding)

    X = coerce_features(prepared.frame, prepared.schema)
    y = prepared.target.values
    X_train, y_train = X.iloc[split.train], y.iloc[split.train]
    X_val, y_val = X.iloc[split.val], y.iloc[split.val]
    sealed = SealedTestSet(X.iloc[split.test], y.iloc[split.test])

    imbalance = search_stage.resolve_imbalance(config.imbalance, task, y_train)
    context = ModelContext(task=task, schema=prepared.schema, seed=config.seed, n_jobs=config.n_jobs,
                           imbalance=imbalance)
    candidates = [cls(context) for cls in resolve_candidates(list(config.models or []))]
    # The search state lives beside the run until it completes, so --resume can continue it.
    source = None if isinstance(data, pd.DataFrame) else str(Path(data).resolve())
    search = search_stage.prepare(
        config, candidates, X_train, y_train, X_val, y_val, test_rows=split.test,
        groups=prepared.frame[config.group].iloc[split.train] if config.group else None,
        times=times.iloc[split.train] if times is not None else None, budget=budget,
    )
    state_folder = search_state.start(destination, config.to_dict(), source, resume=resume)
    reporter.started(destination, resumable=source is not None)
    with reporter.stage("Searching and training candidates"), cpu_threads(config.n_jobs):
        board = search_stage.select_models(search, candidates, metric, state_folder,
                                           on_result=reporter.candidate, on_trial=reporter.trial)
    reporter.leaderboard(board)
    best, baseline = board.best(), board.baseline()
    if best is None or best.pipeline is None or baseline is None or baseline.pipeline is None:
        errors = "; ".join(f"{r.name}: {r.error}" for r in board.results if r.error)
        raise RuntimeError(f"no candidate could be trained ({errors})")
    post = (_failed_candidates(board) + _budget_findings(board, budget, config)
            + _warn_if_no_better_than_baseline(board) + check_training(board))
    for finding in post:
        reporter.finding(finding)
    findings += post

    final, final_baseline = best.pipeline, baseline.pipeline
    if config.refit:
        with reporter.stage(f"Refitting {best.name} on train+validation"), cpu_threads(config.n_jobs):
            trval = np.concatenate([split.train, split.val])
            X_trval, y_trval = X.iloc[trval], y.iloc[trval]
            final = best.candidate.refit(best.pipeline, X_trval, y_trval)
            final_baseline = baseline.candidate.refit(baseline.pipeline, X_trval, y_trval)

    with reporter.stage("Evaluating on the sealed test set (once)"), cpu_threads(config.n_jobs):
        test = sealed.evaluate({"model": final, "baseline": final_baseline}, task=task,
                               metric=metric, seed=config.seed,
                               n_resamples=config.bootstrap_resamples, importance_of="model")

    manifest = _manifest(config, fractions, prepared, split, metric, best.name,
                         best.candidate.params(final), findings, destination.name)
    metrics = {
        "metric": metric.name,
        "greater_is_better": metric.greater_is_better,
        "validation": {r.name: {metric.name: r.val_score, f"train_{metric.name}": r.train_score}
                       for r in board.results},
        "test": test,
    }
    leaderboard = board.to_frame()
    with reporter.stage("Saving the run"), folder:
        split_frame = split.to_frame()
        split_frame["row"] = prepared.target.kept_rows[split_frame["row"].to_numpy()]
        folder.write_csv(SPLIT, split_frame)
        folder.write_csv(LEADERBOARD, leaderboard)
        folder.write_json(METRICS, metrics)
        save_model(final, folder.file(MODEL))
        search_state.finish(state_folder, folder.path)
        folder.write_json(MANIFEST, manifest)
        from trainguard.report import save_report_inputs, write_report

        save_report_inputs(folder.path, predictions=sealed.predictions.get("model"),
                           rows=prepared.target.kept_rows[split.test], importance=sealed.importance,
                           candidates=board.results, diagnosis=post)
        write_report(folder.path)
        path = folder.commit()
    search_state.cleanup(state_folder)

    run = Run(path, manifest=manifest, metrics=metrics, leaderboard=leaderboard, model=final)
    from trainguard.track.mlflow_log import track_run

    track_run(run, config, reporter, input_example=X_train.head(5))
    reporter.done(run)
    return run


def resume_train(run: str | os.PathLike[str], *, runs_dir: str | os.PathLike[str] = "runs",
                 reporter: Reporter | None = None, started: float | None = None) -> Run:
    """Continue an interrupted ``train`` from its saved search state (finished trials are kept)."""
    state, _ = search_state.find(str(run), runs_dir)
    if not state.get("data"):
        raise ConfigError("this run was trained from a DataFrame, which was not saved", where=str(run),
                          fix="train again; only runs from a data file can be resumed")
    if not Path(state["data"]).exists():
        raise DataError("the run's data file is gone", where=state["data"],
                        fix="restore the file at that path, then resume again")
    config = TrainConfig(**{**state["config"], "out": state["destination"]})
    return train(state["data"], config=config, reporter=reporter, resume=True, started=started)


def _manifest(config: TrainConfig, fractions: SplitFractions, prepared: _Prepared, split: Split,
              metric: Metric, model_name: str, params: dict[str, Any], findings: list[Finding],
              run_name: str) -> dict[str, Any]:
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
