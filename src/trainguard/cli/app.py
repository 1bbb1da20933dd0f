"""The ``trainguard`` command line.

Exit codes: 0 success, 2 bad input or usage (a one-line message saying what, where and the fix),
1 an internal error (a bug: please report it). ``--debug`` shows the traceback in both cases.
``trainguard check --fail-on error|warning`` also exits 1 when such a finding is found (for CI);
without ``--fail-on`` it exits 0 whatever it finds. ``train`` refuses an error finding (target
leakage, a feature that copies the target) with exit 2 unless it is named with ``--allow ID``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from trainguard import __version__
from trainguard.cli.console import RichReporter, print_check_report, print_finding
from trainguard.data.target import TASKS
from trainguard.diagnose.run import check as run_checks
from trainguard.errors import EXIT_INTERNAL, TrainguardError
from trainguard.models import available_candidates
from trainguard.track.run_folder import to_json
from trainguard.workflow.run import Run
from trainguard.workflow.train import DEFAULT_SEED, DEFAULT_SPLIT, TrainConfig, train

#: ``trainguard check --fail-on``: findings at or above the chosen severity were found.
EXIT_FINDINGS = 1
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(exc: BaseException, debug: bool) -> None:
    """Turn an exception into the promised one-line message and exit code."""
    console = _stderr()
    if debug:
        console.print(traceback.format_exc(), markup=False)
    if isinstance(exc, TrainguardError):
        console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True)
        sys.exit(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        console.print("interrupted: nothing was saved.")
        sys.exit(130)
    hint = "" if debug else " Run again with --debug for the traceback,"
    console.print(
        f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}.{hint} and please report it.",
        markup=True,
    )
    sys.exit(EXIT_INTERNAL)


def _guarded(debug: bool, action: Callable[[], None]) -> None:
    try:
        action()
    except BrokenPipeError:
        # The reader went away (e.g. `trainguard predict ... | head`): stop quietly, as the
        # Python docs recommend, with stdout pointed at devnull so the exit flush cannot fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_INTERNAL)
    except click.exceptions.Exit:
        raise
    except click.ClickException:
        raise
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - this is the top-level handler
        _fail(exc, debug)


def _names(values: Sequence[str]) -> list[str]:
    """Column lists may be repeated options or comma-separated, or both."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


debug_option = click.option("--debug", is_flag=True, help="Show the full traceback on errors.")


def _model_names() -> str:
    return ", ".join(name for name, cls in available_candidates().items() if not cls.is_baseline)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="trainguard")
def cli() -> None:
    """Train machine-learning models on tabular data the right way.

    Split first, preprocess inside pipelines fit on training rows, choose models on validation
    rows, and open the test set exactly once.
    """


@cli.command(context_settings=CONTEXT)
@click.argument("data", type=click.Path(dir_okay=True, path_type=str))
@click.option("-t", "--target", required=True, help="Column to predict.")
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
@debug_option
def train_command(data: str, target: str, task: str | None, metric: str | None, split: str,
                  group: str | None, time_column: str | None, seed: int, categorical: Sequence[str],
                  drop: Sequence[str], ids: Sequence[str], models: str | None, no_refit: bool,
                  out: str | None, runs_dir: str, name: str | None, jobs: int,
                  allow: Sequence[str], quiet: bool, as_json: bool, debug: bool) -> None:
    """Train and evaluate models on DATA (CSV, TSV, Parquet, Feather, JSON Lines) to predict --target."""
    config = TrainConfig(
        target=target, task=task, metric=metric, split=split, group=group, time=time_column,
        seed=seed, categorical=_names(categorical), drop=_names(drop), ids=_names(ids),
        models=_names([models]) if models else None, refit=not no_refit, out=out,
        runs_dir=runs_dir, name=name, n_jobs=jobs, allow=_names(allow),
    )

    def action() -> None:
        console = Console(highlight=False, soft_wrap=True)
        reporter = RichReporter(console, quiet=quiet or as_json)
        run = train(data, config=config, reporter=reporter)
        if as_json:
            click.echo(to_json(_summary(run)))
        elif quiet:
            ci = run.metrics["test"]["model"]["ci"]
            click.echo(f"{run.path}\t{run.model_name}\ttest {run.metric}={ci['value']:.6g}")

    _guarded(debug, action)


train_command.name = "train"


@cli.command(context_settings=CONTEXT)
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
@debug_option
def check(data: str, target: str, task: str | None, split: str, group: str | None,
          time_column: str | None, seed: int, categorical: Sequence[str], drop: Sequence[str],
          ids: Sequence[str], fail_on: str, as_json: bool, debug: bool) -> None:
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
        report = run_checks(data, config=config)
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


@cli.command(context_settings=CONTEXT)
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=str))
@click.argument("data", type=click.Path(path_type=str))
@click.option("-o", "--output", type=click.Path(path_type=str), help="CSV file to write (default: stdout).")
@click.option("--proba", is_flag=True, help="Add one probability column per class (classification).")
@click.option("-q", "--quiet", is_flag=True, help="No warnings or summary on stderr.")
@debug_option
def predict(run_dir: str, data: str, output: str | None, proba: bool, quiet: bool, debug: bool) -> None:
    """Score the rows of DATA with the model saved in RUN; rows keep their order."""

    def action() -> None:
        run = Run.load(run_dir)
        frame = run.predictions_frame(data, proba=proba)
        console = _stderr()
        if not quiet:
            for finding in run.last_findings:
                print_finding(console, finding)
        if output is None:
            frame.to_csv(sys.stdout, index=False)
            return
        _write_atomically(frame, Path(output))
        if not quiet:
            console.print(f"wrote {len(frame)} predictions to {escape(output)}")

    _guarded(debug, action)


def _write_atomically(frame: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as handle:
            frame.to_csv(handle, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main() -> None:
    cli(prog_name="trainguard")
