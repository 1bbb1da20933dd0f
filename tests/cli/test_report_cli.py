"""`trainguard report RUN`: the report rebuilt from the run folder alone, as a user runs it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from datagen import make_table


def trainguard(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "trainguard", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def run_without_data(tmp_path_factory):
    """A trained run whose data file is gone afterwards."""
    cwd = tmp_path_factory.mktemp("report-cli")
    make_table("multiclass").to_csv(cwd / "tiers.csv", index=False)
    result = trainguard("train", "tiers.csv", "-t", "churned", "--models", "linear", "-j", "1",
                        "--out", "run", "-q", cwd=cwd)
    assert result.returncode == 0, result.stderr
    (cwd / "tiers.csv").unlink()
    return cwd


def _sections(text: str) -> list[str]:
    return [part.split('"')[0] for part in text.split('<section id="')[1:]]


def test_report_is_rebuilt_from_the_folder_alone(run_without_data):
    cwd = run_without_data
    original = (cwd / "run" / "report.html").read_text(encoding="utf-8")
    (cwd / "run" / "report.html").unlink()
    result = trainguard("report", "run", cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == os.path.join("run", "report.html")
    rebuilt = (cwd / "run" / "report.html").read_text(encoding="utf-8")
    assert _sections(rebuilt) == _sections(original) and len(_sections(rebuilt)) == 11
    assert rebuilt.count("<img") == original.count("<img") >= 5  # multiclass: one curve per class
    mode = stat.S_IMODE((cwd / "run" / "report.html").stat().st_mode)
    assert mode & stat.S_IRGRP  # readable like any other file, not mkstemp's owner-only 0600


def test_output_file_and_open_in_browser(run_without_data, tmp_path):
    # webbrowser honours $BROWSER: a script that records what it was asked to open.
    opener = tmp_path / "browser.sh"
    opener.write_text(f'#!/bin/sh\necho "$1" > {tmp_path / "opened.txt"}\n')
    opener.chmod(0o755)
    env = os.environ | {"BROWSER": str(opener)}
    target = tmp_path / "elsewhere" / "r.html"
    result = trainguard("report", "run", "-o", target, "--open", cwd=run_without_data, env=env)
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "opened.txt").read_text().strip() == target.resolve().as_uri()


@pytest.mark.parametrize("path", ["no-such-run", "."])
def test_a_folder_that_is_not_a_run_is_one_line_and_exit_2(path, tmp_path):
    result = trainguard("report", path, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "not a trainguard run folder" in line and "Fix:" in line
    assert "Traceback" not in result.stderr
