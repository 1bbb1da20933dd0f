"""``trainguard report RUN``: rebuild a run's report.html from its folder alone."""

from __future__ import annotations

import webbrowser

import click
from rich.markup import escape

from trainguard.cli.app import CONTEXT, _guarded, _stderr, debug_option


@click.command("report", context_settings=CONTEXT)
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=str))
@click.option("-o", "--output", type=click.Path(path_type=str),
              help="HTML file to write (default: RUN/report.html).")
@click.option("--open", "open_browser", is_flag=True, help="Open the report in the web browser.")
@debug_option
def report(run_dir: str, output: str | None, open_browser: bool, debug: bool) -> None:
    """Rebuild the self-contained HTML report of the run in RUN (no data file needed)."""

    def action() -> None:
        from trainguard.report import write_report

        path = write_report(run_dir, output)
        _stderr().print(f"wrote {escape(str(path))}", highlight=False)
        click.echo(str(path))
        if open_browser:
            webbrowser.open(path.resolve().as_uri())

    _guarded(debug, action)
