"""Shared fixtures: generated data files written where a test needs them."""

from __future__ import annotations

import os

import pytest

from datagen import make_table

# Logging to MLflow costs seconds per run (importing mlflow, creating a SQLite store) and would
# leave mlflow.db in the folder each test runs from. Tests about tracking (tests/track) turn it
# back on for their own subprocesses; every other `trainguard train` in the suite skips it.
os.environ["TRAINGUARD_TRACK"] = "0"
# The hyperparameter search multiplies the fits of every `trainguard train` (trials x folds).
# Subprocess runs in tests not about search score one trial on the validation rows; the tests
# under tests/search remove these to run the real defaults.
os.environ.setdefault("TRAINGUARD_CV", "0")
os.environ.setdefault("TRAINGUARD_TRIALS", "1")


@pytest.fixture
def binary_csv(tmp_path):
    path = tmp_path / "churn.csv"
    make_table("binary").to_csv(path, index=False)
    return path


@pytest.fixture
def regression_csv(tmp_path):
    path = tmp_path / "spend.csv"
    make_table("regression").to_csv(path, index=False)
    return path
