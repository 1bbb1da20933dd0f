"""``trainguard export RUN --format onnx``: the run's whole pipeline as one checked ONNX file."""

from __future__ import annotations

import click
from rich.markup import escape

from trainguard.cli.app import CONTEXT, _guarded, _stderr, debug_option


@click.command("export", context_settings=CONTEXT)
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["onnx"]),
    default="onnx",
    show_default=True,
    help="File format to write.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="File to write (default: RUN/model.onnx)."
)
@click.option(
    "--data",
    type=click.Path(path_type=str),
    help="The data file the run was trained on, when it is no longer where the manifest "
    "says (the export is checked on its test rows).",
)
@debug_option
def export(run_dir: str, fmt: str, output: str | None, data: str | None, debug: bool) -> None:
    """Export the fitted pipeline of RUN (preprocessing, model, threshold) to ONNX.

    The ONNX model takes one input per raw feature column and is run with onnxruntime on the
    run's test rows before it is written: labels must equal the skops model's, probabilities and
    regression values must agree within 1e-5, or nothing is written.
    """

    def action() -> None:
        from trainguard.export import export_onnx
        from trainguard.track.run import Run

        result = export_onnx(Run.load(run_dir), output, data=data)
        parity = result.parity
        _stderr().print(
            f"wrote {escape(str(result.path))}: checked on {parity.rows} test rows with "
            f"onnxruntime, labels identical, largest difference {parity.max_difference:.2g}",
            highlight=False,
        )
        click.echo(str(result.path))

    _guarded(debug, action)
