"""``trainguard train``, ``predict`` and ``check``: the commands that run the workflow.

They live apart from :mod:`trainguard.cli.app` because their imports (scikit-learn, pandas,
torch) take seconds; the group imports this module only when one of them runs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from trainguard.atomic import atomic_path, write_text_atomically
from trainguard.cli.app import CONTEXT, EXIT_FINDINGS, _guarded, _names, _stderr, debug_option, started
from trainguard.cli.console import RichReporter, print_check_report, print_finding
from trainguard.config import DEFAULT_SEED, DEFAULT_SPLIT, PredictConfig, TrainConfig
from trainguard.data.target import TASKS
from trainguard.errors import ConfigError
from trainguard.models import available_candidates
from trainguard.track.run import Run
from trainguard.track.run_folder import to_json
from trainguard.workflow import check as run_checks
from trainguard.workflow import resume_train, train


def _model_names() -> str:
    return ", ".join(name for name, cls in available_candidates().items() if not cls.is_baseline)


@click.command("train", context_settings=CONTEXT)
@click.argument("data", required=False, type=click.Path(dir_okay=True, path_type=str))
@click.option("-t", "--target", help="Column to predict (required unless --resume or --replay).")
@click.option("--task", type=click.Choice(TASKS), help="Override the inferred task.")
@click.option("--metric", help="Validation metric that picks the model "
              "(default: roc_auc for binary, f1_macro for multiclass, rmse for regression).")
@click.option("--split", "split", default=DEFAULT_SPLIT, show_default=True,
              help="Train, validation and test shares (fractions or percentages).")
@click.option("--group",
              help="Column whose values (e.g. patient or user) must stay on one side of the split.")
@click.option("--time", "time_column", help="Time column: train on the earliest rows, test on the latest.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Seed for the split and the models; the same seed gives the same run.")
@click.option("--categorical", multiple=True, metavar="COLS",
              help="Treat these columns as categories (comma-separated or repeated).")
@click.option("--drop", multiple=True, metavar="COLS", help="Leave these columns out entirely.")
@click.option("--id", "ids", multiple=True, metavar="COLS",
              help="Identifier columns: not features, copied to predictions.")
@click.option("--models", metavar="NAMES",
              help=f"Candidates to try, comma-separated (default: all of {_model_names()}). "
                   "The baseline always runs.")
@click.option("--no-refit", is_flag=True,
              help="Keep the model fit on training rows only instead of refitting on train+validation.")
@click.option("--search", "search", default="bayes", show_default=True, metavar="bayes|random|grid",
              help="How each candidate's hyperparameters are sampled (Optuna TPE, random or grid).")
@click.option("--trials", type=int, metavar="N", envvar="TRAINGUARD_TRIALS",
              help="Trials per candidate (default 4; with --budget, up to 15 per searched parameter; "
                   "env TRAINGUARD_TRIALS).")
@click.option("--budget", metavar="TIME",
              help="Time for the whole run, start to saved run (MLflow logging after it not "
                   "counted), shared by the candidates' searches: 90, 60s, 5m, 1h30m.")
@click.option("--cv", default="auto", show_default=True, metavar="auto|0|K", envvar="TRAINGUARD_CV",
              help="K-fold CV on the training rows (stratified, grouped or in time order, as the split); "
                   "0 scores trials on the validation rows; auto: 5 folds below 10k training rows, "
                   "3 below 50k, else 0 (env TRAINGUARD_CV).")
@click.option("--imbalance", default="auto", show_default=True,
              metavar="auto|none|weights|smote|undersample",
              help="Class imbalance handling (classification); auto weights classes when the rarest "
                   "has under a quarter of the most common's rows.")
@click.option("--space", type=click.Path(path_type=str), metavar="FILE",
              help="YAML or TOML file overriding the search spaces per model.")
@click.option("--engine", default="local", show_default=True, metavar="local|ray",
              help="Run trials in this process or on a Ray cluster.")
@click.option("--address", metavar="HOST:PORT", help="Ray cluster to use with --engine ray.")
@click.option("--resume", metavar="RUN",
              help="Continue the interrupted run RUN (as printed when it started); DATA and "
                   "options come from the run.")
@click.option("--replay", metavar="RUN",
              help="Re-fit exactly the trials the finished run RUN ran, without a clock, for the same "
                   "leaderboard, model and test metrics; DATA and options default to the run's.")
@click.option("-o", "--out", type=click.Path(path_type=str), help="Run folder to write (must not exist).")
@click.option("--runs-dir", default="runs", show_default=True, help="Where runs go when --out is not given.")
@click.option("--name", help="Run name, used for the default run folder.")
@click.option("-j", "--jobs", type=int, default=-1, show_default=True,
              help="CPU cores for models that can use several (-1: all).")
@click.option("--allow", multiple=True, metavar="CHECK_IDS",
              help="Continue past these error findings (e.g. target-leak-feature) instead of "
                   "stopping; comma-separated or repeated.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the final result and errors.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary on stdout and nothing else.")
@click.option("--tracking-uri", metavar="URI",
              help="MLflow tracking server or store to log the run to (default: $MLFLOW_TRACKING_URI, "
                   "else sqlite:///mlflow.db in the current folder).")
@click.option("--experiment", metavar="NAME", help="MLflow experiment (default: the data file's name).")
@click.option("--no-track", is_flag=True, help="Do not log the run to MLflow.")
@click.option("--tensorboard", "tensorboard", type=click.Path(file_okay=False, path_type=str), metavar="DIR",
              help="Write the network candidates' per-epoch curves for TensorBoard under DIR "
                   "(needs trainguard[tensorboard]).")
@debug_option
def train_command(data: str, target: str, task: str | None, metric: str | None, split: str,
                  group: str | None, time_column: str | None, seed: int, categorical: Sequence[str],
                  drop: Sequence[str], ids: Sequence[str], models: str | None, no_refit: bool,
                  out: str | None, runs_dir: str, name: str | None, jobs: int,
                  allow: Sequence[str], quiet: bool, as_json: bool, tracking_uri: str | None,
                  experiment: str | None, no_track: bool, debug: bool, search: str = "bayes",
                  trials: int | None = None, budget: str | None = None, cv: str = "auto",
                  imbalance: str = "auto", space: str | None = None, engine: str = "local",
                  address: str | None = None, resume: str | None = None,
                  tensorboard: str | None = None, replay: str | None = None) -> None:
    """Train and evaluate models on DATA (CSV, TSV, Parquet, Feather, JSON Lines) to predict --target."""
    if resume is not None and replay is not None:
        raise click.UsageError("--resume and --replay cannot be combined: choose one")
    if resume is None and replay is None and (data is None or target is None):
        raise click.UsageError("DATA and --target are required (unless --resume RUN or --replay RUN)")
    config = TrainConfig(
        target=target or "", task=task, metric=metric, split=split, group=group, time=time_column,
        seed=seed, categorical=_names(categorical), drop=_names(drop), ids=_names(ids),
        models=_names([models]) if models else None, refit=not no_refit, out=out,
        runs_dir=runs_dir, name=name, n_jobs=jobs, allow=_names(allow),
        track=not no_track, tracking_uri=tracking_uri, experiment=experiment,
        search=search, trials=trials, budget=budget, cv=cv, imbalance=imbalance, space=space,
        engine=engine, address=address, tensorboard=tensorboard,
    )

    def action() -> None:
        console = Console(highlight=False, soft_wrap=True)
        reporter = RichReporter(console, quiet=quiet or as_json)
        if resume is not None:
            run = resume_train(resume, runs_dir=runs_dir, reporter=reporter, started=started())
        elif replay is not None and target is None:
            # Everything that decides the result comes from the run; only where it goes from here.
            run = train(data, replay=replay, reporter=reporter, out=out, runs_dir=runs_dir, name=name,
                        n_jobs=jobs, track=not no_track, tracking_uri=tracking_uri,
                        experiment=experiment)
        elif replay is not None:
            run = train(data, config=config, replay=replay, reporter=reporter)
        else:
            run = train(data, config=config, reporter=reporter, started=started())
        if as_json:
            click.echo(to_json(_summary(run)))
        elif quiet:
            ci = run.metrics["test"]["model"]["ci"]
            click.echo(f"{run.path}\t{run.model_name}\ttest {run.metric}={ci['value']:.6g}")

    _guarded(debug, action)



@click.command(context_settings=CONTEXT)
@click.argument("data", type=click.Path(dir_okay=True, path_type=str))
@click.option("-t", "--target", required=True, help="Column to predict.")
@click.option("--task", type=click.Choice(TASKS), help="Override the inferred task.")
@click.option("--split", "split", default=DEFAULT_SPLIT, show_default=True,
              help="Train, validation and test shares, as for train.")
@click.option("--group", help="Column whose values must stay on one side of the split.")
@click.option("--time", "time_column", help="Time column: split in time order, as train would.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Seed of the split (the leakage check uses its training rows).")
@click.option("--categorical", multiple=True, metavar="COLS", help="Treat these columns as categories.")
@click.option("--drop", multiple=True, metavar="COLS", help="Leave these columns out entirely.")
@click.option("--id", "ids", multiple=True, metavar="COLS", help="Identifier columns (not features).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="never",
              show_default=True,
              help="Exit 1 when a finding of this severity or worse is found (for CI).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON on stdout.")
@click.option("--report", "report_file", type=click.Path(path_type=str), metavar="FILE",
              help="Also write the findings as an HTML page (the run report's style).")
@debug_option
def check(data: str, target: str, task: str | None, split: str, group: str | None,
          time_column: str | None, seed: int, categorical: Sequence[str], drop: Sequence[str],
          ids: Sequence[str], fail_on: str, as_json: bool, report_file: str | None, debug: bool) -> None:
    """Check DATA for problems before training: missing values, duplicates, identifiers,
    imbalance, target leakage (on the training rows of the split train would make), overlap
    and shift between the split's parts. Nothing is trained or saved.

    Exit codes: 0 when the checks ran (findings are printed, whatever their severity), 2 for bad
    input, and 1 with --fail-on error|warning when a finding that severe is found.
    """
    config = TrainConfig(
        target=target, task=task, split=split, group=group, time=time_column, seed=seed,
        categorical=_names(categorical), drop=_names(drop), ids=_names(ids),
    )

    def action() -> None:
        if report_file and Path(report_file).is_dir():
            raise ConfigError(f"{report_file!r} is a folder", where="--report",
                              fix="give a file name, e.g. --report check.html")
        report = run_checks(data, config=config)
        if report_file:
            from trainguard.report.html import render_check

            write_text_atomically(report_file, render_check(report))
        if as_json:
            click.echo(to_json(report.to_dict()))
        else:
            print_check_report(Console(highlight=False, soft_wrap=True), report)
        worst = {"error": ("error",), "warning": ("error", "warning"), "never": ()}[fail_on]
        if any(str(f.severity) in worst for f in report.findings):
            sys.exit(EXIT_FINDINGS)

    _guarded(debug, action)


def _summary(run: Run) -> dict[str, Any]:
    return {
        "run": str(run.path),
        "target": run.target,
        "task": run.task,
        "metric": run.metric,
        "model": run.model_name,
        "test": run.metrics["test"]["model"],
        "baseline": run.metrics["test"]["baseline"],
        "split": run.manifest["split"]["sizes"],
        "leaderboard": json.loads(run.leaderboard.to_json(orient="records")),
        "findings": run.manifest["findings"],
    }


@click.command(context_settings=CONTEXT)
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=str))
@click.argument("data", type=click.Path(path_type=str))
@click.option("-o", "--output", type=click.Path(path_type=str), help="CSV file to write (default: stdout).")
@click.option("--proba", is_flag=True, help="Add one probability column per class (classification).")
@click.option("-q", "--quiet", is_flag=True, help="No warnings or summary on stderr.")
@debug_option
def predict(run_dir: str, data: str, output: str | None, proba: bool, quiet: bool, debug: bool) -> None:
    """Score the rows of DATA with the model saved in RUN; rows keep their order."""

    options = PredictConfig(run=run_dir, data=data, output=output, proba=proba)

    def action() -> None:
        options.validate()
        run = Run.load(options.run)
        chunks = run.iter_predictions(options.data, proba=options.proba)
        if output is None:
            rows = _write_csv_chunks(chunks, sys.stdout)
        else:
            # Written chunk by chunk as they are scored, to a temporary name renamed at the end:
            # a bad value in the last chunk leaves no partial file behind.
            with atomic_path(Path(output)) as tmp, open(tmp, "w", newline="", encoding="utf-8") as file:
                rows = _write_csv_chunks(chunks, file)
        if not quiet:
            console = _stderr()
            for finding in run.last_findings:
                print_finding(console, finding)
            if output is not None:
                console.print(f"wrote {rows} predictions to {escape(output)}")

    _guarded(debug, action)


def _write_csv_chunks(chunks: Any, file: Any) -> int:
    """Write frames as one CSV (the header once); the number of rows written."""
    rows = 0
    for i, chunk in enumerate(chunks):
        chunk.to_csv(file, index=False, header=i == 0)
        rows += len(chunk)
    return rows
