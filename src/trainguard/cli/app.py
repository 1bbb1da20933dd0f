"""The ``trainguard`` command line: the command group and what every command shares.

Exit codes: 0 success, 2 bad input or usage (a one-line message saying what, where and the fix),
1 an internal error (a bug: please report it). ``--debug`` shows the traceback in both cases.
``trainguard check --fail-on error|warning`` also exits 1 when such a finding is found (for CI);
without ``--fail-on`` it exits 0 whatever it finds. ``train`` refuses an error finding (target
leakage, a feature that copies the target) with exit 2 unless it is named with ``--allow ID``.

Commands are imported when they are run (click's documented lazy-group pattern): ``train`` needs
scikit-learn, pandas and torch, which take seconds to import, while ``lint`` and ``--help`` need
none of them.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from trainguard.errors import EXIT_INTERNAL, TrainguardError
from trainguard.version import __version__

#: When the clock of ``train --budget`` started (``time.monotonic()``), so that the budget also
#: counts the seconds spent importing the libraries: this module's import, which is near the start
#: of a command run in-process (click's test runner); :func:`main` moves it back to when the
#: process started, since the user's wait began there.
STARTED = time.monotonic()

# OpenMP threads waiting for work spin on their core by default. Where other processes keep the
# cores busy, the spinning takes the time the working threads need: LightGBM's 300 rounds on
# 85,000 rows on 2 threads took 47-92 s instead of 5 s at load 6-8 on 2 cores (and a 2.6 s refit
# took 59.5 s in a `--budget 60s` run); sleeping while waiting brought it to 5-8 s. The policy is
# read once, when an OpenMP runtime loads, so it is set here, before the commands import
# scikit-learn, LightGBM or torch; a user's own setting wins. (Thread counts: models/threads.py.)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

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



class LazyGroup(click.Group):
    """A group whose subcommands live in modules imported only when the subcommand is used."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_subcommands:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = self.lazy_subcommands[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        return command


@click.group(
    cls=LazyGroup,
    context_settings=CONTEXT,
    lazy_subcommands={
        "train": "trainguard.cli.workflow_cmds:train_command",
        "predict": "trainguard.cli.workflow_cmds:predict",
        "check": "trainguard.cli.workflow_cmds:check",
        "report": "trainguard.cli.report_cmd:report",
        "track": "trainguard.cli.track_cmd:track",
        "export": "trainguard.cli.export_cmd:export",
        "lint": "trainguard.cli.lint_cmd:lint",
    },
)
@click.version_option(__version__, "-V", "--version", prog_name="trainguard")
def cli() -> None:
    """Train machine-learning models on tabular data the right way.

    Split first, preprocess inside pipelines fit on training rows, choose models on validation
    rows, and open the test set exactly once.
    """


def process_started() -> float | None:
    """When this process started, on the ``time.monotonic()`` clock; None where Linux's /proc
    cannot say, or when it started over a minute ago (a long-running program calling :func:`main`).

    The interpreter's start and the imports before this module took 0.3 s on a quiet machine and
    1-2 s on a busy one: time the user waits for, outside a clock started here.
    """
    try:
        with open("/proc/self/stat") as stat:
            # Fields after the command name (which may hold spaces): state first, start time 20th.
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return time.monotonic() - age if 0 <= age < 60 else None


def started() -> float:
    """When the clock of ``train --budget`` started (see :data:`STARTED`)."""
    return STARTED


def main() -> None:
    global STARTED
    STARTED = min(STARTED, process_started() or STARTED)
    try:
        cli(prog_name="trainguard")
    finally:
        # The command is done and its files are written and closed: spare the exiting interpreter
        # its last full garbage collection over every object the libraries made (2.4 s after
        # importing what `train` imports, on 2 busy cores; 0.6 s frozen), which the user waits for
        # too. Memory goes back to the system at exit either way.
        gc.freeze()
