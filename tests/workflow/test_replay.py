"""`trainguard train --replay RUN`: a budgeted run's trials re-fit without a clock, same results."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pandas as pd

from datagen import make_table

# The suite's conftest makes other tests' runs cheap through these; a budget decides here.
ENV = {k: v for k, v in os.environ.items() if k not in ("TRAINGUARD_CV", "TRAINGUARD_TRIALS")}
#: What a replay cannot repeat: how long things took.
TIMINGS = ["fit_seconds", "search_seconds"]
#: Families whose fits grow to their deadline (trees, boosting rounds); XGBoost is an extra.
GROWING = "linear,lightgbm,extra_trees" + (",xgboost" if importlib.util.find_spec("xgboost") else "")


def trainguard(*args, cwd):
    return subprocess.run([sys.executable, "-m", "trainguard", *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=300)


def test_a_budgeted_run_replays_to_the_same_leaderboard_model_and_test_metrics(tmp_path):
    make_table("binary", n=400).to_csv(tmp_path / "churn.csv", index=False)
    first = trainguard("train", "churn.csv", "-t", "churned", "--drop", "customer_id", "--models",
                       GROWING, "--budget", "25s", "--no-track", "--quiet",
                       "--out", "run", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    record = json.loads((tmp_path / "run" / "trials.json").read_text())
    board = pd.read_csv(tmp_path / "run" / "leaderboard.csv").set_index("model")
    for name, family in record["families"].items():  # every finished trial is recorded, in order
        assert len(family["trials"]) == board.loc[name, "n_trials"]

    again = trainguard("train", "--replay", "run", "--no-track", "--quiet", "--out", "replayed",
                       cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    original = pd.read_csv(tmp_path / "run" / "leaderboard.csv").drop(columns=TIMINGS)
    replayed = pd.read_csv(tmp_path / "replayed" / "leaderboard.csv").drop(columns=TIMINGS)
    pd.testing.assert_frame_equal(original, replayed)
    metrics = [json.loads((tmp_path / r / "metrics.json").read_text()) for r in ("run", "replayed")]
    assert metrics[0] == metrics[1]
    manifests = [json.loads((tmp_path / r / "manifest.json").read_text()) for r in ("run", "replayed")]
    assert manifests[0]["model"] == manifests[1]["model"]
    assert manifests[1]["replay_of"].endswith("run") and manifests[1]["config"]["budget"] is None
    assert json.loads((tmp_path / "replayed" / "trials.json").read_text()) == record


def test_a_replay_refuses_other_data_or_other_options_naming_what_differs(tmp_path):
    make_table("binary", n=200).to_csv(tmp_path / "churn.csv", index=False)
    # A budgeted run, its trials capped: the refusals read its options, not how many trials it ran.
    first = trainguard("train", "churn.csv", "-t", "churned", "--models", "linear", "--budget", "15s",
                       "--trials", "2", "--no-track", "--quiet", "--out", "run", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    make_table("binary", n=200, seed=1).to_csv(tmp_path / "other.csv", index=False)
    other = trainguard("train", "other.csv", "--replay", "run", "--no-track", cwd=tmp_path)
    assert other.returncode != 0 and "Traceback" not in other.stderr
    assert "not the data run run was trained on" in other.stderr and "churn.csv" in other.stderr
    seeded = trainguard("train", "churn.csv", "-t", "churned", "--models", "linear", "--seed", "7",
                        "--replay", "run", "--no-track", cwd=tmp_path)
    assert seeded.returncode != 0 and "Traceback" not in seeded.stderr
    assert "seed (7 vs the run's 42)" in seeded.stderr
    missing = trainguard("train", "--replay", "nowhere", cwd=tmp_path)
    assert missing.returncode != 0 and "no finished run" in missing.stderr
