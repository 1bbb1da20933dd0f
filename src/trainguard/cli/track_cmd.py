"""``trainguard track RUN``: log a saved run folder to MLflow, after the fact.

``train`` logs each run right after saving it; when that fails (a server that is down, a store
that refused), the run folder is complete and this command logs it later, so no log is lost.
"""

from __future__ import annotations

import click
from rich.markup import escape

from trainguard.cli.app import CONTEXT, _guarded, _stderr, debug_option


@click.command("track", context_settings=CONTEXT)
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=str))
@click.option("--tracking-uri", metavar="URI",
              help="MLflow tracking server or store (default: $MLFLOW_TRACKING_URI, else "
                   "sqlite:///mlflow.db in the current folder).")
@click.option("--experiment", metavar="NAME", help="MLflow experiment (default: the data file's name).")
@debug_option
def track(run_dir: str, tracking_uri: str | None, experiment: str | None, debug: bool) -> None:
    """Log the run saved in RUN to MLflow: parameters, metrics, curves, files and the model.

    Exit codes: 0 logged, 2 RUN is not a run folder, 1 MLflow could not be reached or refused.
    """

    def action() -> None:
        from trainguard.errors import EXIT_INTERNAL
        from trainguard.track.mlflow_log import log_run
        from trainguard.track.run import Run

        run = Run.load(run_dir)
        result = log_run(run, tracking_uri=tracking_uri, experiment=experiment)
        console = _stderr()
        if not result.ok:
            console.print(f"[bold red]error:[/] {escape(str(result.error))}")
            raise SystemExit(EXIT_INTERNAL)
        console.print(f"logged {escape(str(run.path))} to MLflow at {escape(result.uri)}: experiment "
                      f"{escape(result.experiment)}, run {result.run_id}")
        click.echo(result.run_id)

    _guarded(debug, action)
