"""Run a ``trainguard`` command by its click command inside the test process.

The same code as the console script, without a fresh interpreter importing scikit-learn, LightGBM,
CatBoost or torch again, which costs seconds per command on the suite's two busy cores. Tests that
need a command as a user runs it keep a real subprocess; this is for the commands a test only needs
done (train a run to export, predict the rows to compare with).
"""

from __future__ import annotations

import os
import subprocess

from click.testing import CliRunner

from trainguard.cli.app import cli


def in_process(*args, cwd, check=True) -> subprocess.CompletedProcess:
    """``trainguard ARGS`` run from ``cwd``; answers as ``subprocess.run`` does (exit code, stdout
    and stderr apart), asserting a zero exit unless ``check`` is false."""
    args = [str(a) for a in args]
    before = os.getcwd()
    os.chdir(cwd)  # the commands read and write paths relative to where they run, as users give them
    try:
        result = CliRunner().invoke(cli, args, prog_name="trainguard", catch_exceptions=False)
    finally:
        os.chdir(before)
    completed = subprocess.CompletedProcess(["trainguard", *args], result.exit_code, result.stdout,
                                            result.stderr)
    if check:
        assert completed.returncode == 0, completed.stderr
    return completed
