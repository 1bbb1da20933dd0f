"""`trainguard train` with the search, run as a user runs it: defaults, bad options, --resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest

from datagen import make_table
from trainguard.datasets import path as dataset_path

# The suite's conftest makes other tests' runs cheap through these; here the real defaults count.
ENV = {k: v for k, v in os.environ.items() if k not in ("TRAINGUARD_CV", "TRAINGUARD_TRIALS")}


def trainguard(*args, cwd, check=True):
    result = subprocess.run([sys.executable, "-m", "trainguard", *map(str, args)], cwd=cwd, env=ENV,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_penguins_with_the_default_search(tmp_path):
    result = trainguard("train", dataset_path("penguins"), "--target", "species", "--models",
                        "linear,random_forest", "--json", "--out", "run", cwd=tmp_path)
    summary = json.loads(result.stdout)
    board = pd.DataFrame(summary["leaderboard"]).set_index("model")
    # 5-fold CV on the 240 training rows, 4 trials per family, the CV mean ranking the families.
    assert board.loc["linear", "n_trials"] == 4 and board.loc["baseline", "n_trials"] == 1
    assert {"cv_f1_macro_mean", "cv_f1_macro_std", "val_f1_macro", "train_f1_macro", "fit_seconds",
            "params", "selected"} <= set(board.columns)
    ranked = board.drop(index="baseline").cv_f1_macro_mean
    assert board.index[0] == ranked.idxmax() and board.loc[ranked.idxmax(), "selected"]
    assert (tmp_path / "run" / "search.db").is_file()
    assert not list(tmp_path.glob(".run.search"))  # the resume state is gone once the run is complete


@pytest.mark.parametrize(("args", "message"), [
    (["--budget", "5x"], "--budget: cannot read the time budget"),
    (["--cv", "1"], "--cv must be 'auto', 0 or a number of folds"),
    (["--trials", "0"], "--trials must be at least 1"),
    (["--space", "nope.yaml"], "the search-space file does not exist"),
    (["--search", "annealing"], "unknown search 'annealing'"),
    (["--engine", "local", "--address", "127.0.0.1:1"], "--address is for --engine ray"),
    (["--resume", "runs/never-ran"], "no interrupted run with this name or path"),
])
def test_bad_search_options_are_one_line_errors(tmp_path, binary_csv, args, message):
    result = trainguard("train", binary_csv, "-t", "churned", *args, cwd=tmp_path, check=False)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Fix:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_smote_on_a_regression_target_is_refused(tmp_path, regression_csv):
    result = trainguard("train", regression_csv, "-t", "churned", "--imbalance", "smote",
                        cwd=tmp_path, check=False)
    assert result.returncode == 2 and "is for classification" in result.stderr


def _finished_trials(db):
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute(
                "SELECT COUNT(*) FROM trials WHERE state IN ('COMPLETE', 'PRUNED')").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_killed_search_resumes_where_it_stopped(tmp_path):
    make_table("binary", n=300).to_csv(tmp_path / "churn.csv", index=False)
    args = ["train", "churn.csv", "-t", "churned", "--models", "linear", "--trials", "12", "--cv", "3",
            "--out", "run", "-q"]
    process = subprocess.Popen([sys.executable, "-m", "trainguard", *args], cwd=tmp_path, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = tmp_path / ".run.search" / "search.db"
    deadline = time.monotonic() + 240
    while _finished_trials(db) < 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_before = _finished_trials(db)
    assert 4 <= done_before < 12 + 1, "the run was not killed mid-search"
    assert not (tmp_path / "run").exists()

    again = trainguard("train", "churn.csv", "-t", "churned", "--out", "run", cwd=tmp_path, check=False)
    assert again.returncode == 2 and "--resume" in again.stderr  # no silent fresh start over it

    trainguard("train", "--resume", "run", "-q", cwd=tmp_path)
    board = pd.read_csv(tmp_path / "run" / "leaderboard.csv").set_index("model")
    assert board.loc["linear", "n_trials"] == 12  # the finished trials were kept, not re-run
    with sqlite3.connect(tmp_path / "run" / "search.db") as connection:
        states = dict(connection.execute(
            "SELECT t.state, COUNT(*) FROM trials t JOIN studies s ON s.study_id = t.study_id "
            "WHERE s.study_name = 'linear' GROUP BY t.state").fetchall())
    assert states.get("COMPLETE", 0) + states.get("PRUNED", 0) == 12
    assert states.get("FAIL", 0) <= 1  # at most the trial that was running when killed
    assert not (tmp_path / ".run.search").exists()

    done = trainguard("train", "--resume", "run", cwd=tmp_path, check=False)
    assert done.returncode == 2 and "already completed" in done.stderr

    # The samplers re-seed per finished trial, so the resumed search drew what an uninterrupted
    # one draws: the same trials, the same leaderboard.
    trainguard(*[a if a != "run" else "full" for a in args], cwd=tmp_path)
    full = pd.read_csv(tmp_path / "full" / "leaderboard.csv").set_index("model")
    same = ["cv_roc_auc_mean", "cv_roc_auc_std", "val_roc_auc", "n_trials", "params", "selected"]
    pd.testing.assert_frame_equal(board[same], full[same])


def test_a_space_file_grid_search_and_budget_from_the_command_line(tmp_path, binary_csv):
    (tmp_path / "space.yaml").write_text("linear:\n  C: [0.1, 1.0]\n")
    result = trainguard("train", binary_csv, "-t", "churned", "--models", "linear", "--space", "space.yaml",
                        "--search", "grid", "--cv", "0", "--budget", "2m", "--json", "--out", "run",
                        cwd=tmp_path)
    row = pd.DataFrame(json.loads(result.stdout)["leaderboard"]).set_index("model").loc["linear"]
    assert row.n_trials == 2  # the whole grid of the file's space, and no more, within the budget
    assert json.loads(row.params)["C"] in (0.1, 1.0)
