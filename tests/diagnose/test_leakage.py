"""Leakage suspects: measured on training rows only, never guessed from names; real data is clean."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets

from diagnose.helpers import clean_frame, ids, one, prepare, random_split
from trainguard.datasets import __file__ as datasets_init
from trainguard.diagnose.leakage import check_leakage
from trainguard.findings import Severity
from trainguard.workflow import check

LEAK_IDS = {"target-copy", "target-leak-feature", "target-leak-missingness"}


def leak_findings(frame: pd.DataFrame, target: str = "y", train_rows: np.ndarray | None = None):
    frame, target_, schema = prepare(frame, target)
    rows = np.arange(len(frame)) if train_rows is None else train_rows
    return check_leakage(frame, target_, schema, rows, seed=0)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_clean_data_has_no_leakage(task):
    assert leak_findings(clean_frame(task=task)) == []


def test_noisy_copy_of_a_binary_target_is_a_leak_suspect():
    frame = clean_frame()
    rng = np.random.default_rng(0)
    frame["refund"] = np.where(frame["y"] == "yes", 50.0, 0.0) + rng.normal(0, 3, len(frame)).round(2)
    finding = one(leak_findings(frame), "target-leak-feature")
    assert finding.severity == Severity.ERROR
    assert finding.evidence["column"] == "refund" and finding.evidence["score"] >= 0.99
    assert "--drop refund" in finding.fix and "--allow target-leak-feature" in finding.fix


def test_relabelled_target_is_a_copy():
    frame = clean_frame(task="multiclass")
    frame["grade"] = frame["y"].map({"low": "C", "mid": "B", "high": "A"})
    finding = one(leak_findings(frame), "target-copy")
    assert finding.evidence["column"] == "grade"
    assert ids(leak_findings(frame)) == {"target-copy"}


def test_monotone_function_of_a_regression_target_is_a_copy():
    frame = clean_frame(task="regression")
    frame["log_y"] = np.log(frame["y"] - frame["y"].min() + 1)
    assert one(leak_findings(frame), "target-copy").evidence["column"] == "log_y"


def test_near_copy_of_a_regression_target():
    frame = clean_frame(task="regression")
    rng = np.random.default_rng(1)
    frame["y_noisy"] = frame["y"] + rng.normal(0, 1.0, len(frame))
    finding = one(leak_findings(frame), "target-leak-feature")
    assert finding.evidence["metric"] == "r2"


def test_missingness_that_gives_away_the_target():
    frame = clean_frame()
    rng = np.random.default_rng(2)
    frame["cancel_day"] = np.where(frame["y"] == "yes", rng.integers(1, 28, len(frame)), np.nan)
    finding = one(leak_findings(frame), "target-leak-missingness")
    assert finding.evidence["column"] == "cancel_day"
    assert "target-leak-feature" not in ids(leak_findings(frame))


def test_strong_legitimate_feature_row_derived_feature_and_sorted_file_are_not_leaks():
    rng = np.random.default_rng(3)
    n = 1000
    frame = pd.DataFrame({"x": rng.normal(size=n), "z": rng.uniform(1, 2, n)})
    frame["ratio"] = frame["x"] / frame["z"]  # row-wise derived
    frame["y"] = np.where(frame["x"] + rng.normal(0, 0.2, n) > 0, "yes", "no")  # AUC ~0.96
    frame = frame.sort_values("y").reset_index(drop=True)  # a file sorted by the target
    assert leak_findings(frame) == []


def test_only_training_rows_are_used():
    frame = clean_frame(n=600)
    frame["later"] = frame["b"]
    split = random_split(len(frame))
    leaked = np.where(frame["y"] == "yes", 1.0, 0.0)
    held = np.r_[split.val, split.test]
    frame.loc[held, "later"] = leaked[held]  # a perfect copy, but only outside training rows
    assert leak_findings(frame, train_rows=split.train) == []
    assert ids(leak_findings(frame, train_rows=held)) & LEAK_IDS  # were they training rows, it fires


def test_tiny_training_set_is_not_judged():
    frame = clean_frame(n=40)
    frame["copy"] = frame["y"]
    assert leak_findings(frame, train_rows=np.arange(30)) == []


def _real(name: str) -> tuple[pd.DataFrame, str]:
    if name == "penguins":
        from pathlib import Path

        return pd.read_csv(Path(datasets_init).parent / "penguins.csv"), "species"
    return getattr(datasets, f"load_{name}")(as_frame=True).frame, "target"


@pytest.mark.parametrize("name", ["penguins", "breast_cancer", "wine", "diabetes"])
def test_real_datasets_raise_nothing_above_info(name):
    frame, target = _real(name)
    report = check(frame, target)
    above_info = [f.to_dict() for f in report.findings if f.severity != Severity.INFO]
    assert above_info == []
    assert not {f.id for f in report.findings} & LEAK_IDS


def test_leakage_check_is_fast_on_50k_rows():
    rng = np.random.default_rng(4)
    n = 50_000
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(20)})
    for i in range(4):
        frame[f"c{i}"] = rng.choice([f"v{k}" for k in range(30)], n)
    frame["y"] = np.where(frame["x0"] + rng.normal(size=n) > 0, "yes", "no")
    frame, target, schema = prepare(frame, "y")
    start = time.perf_counter()
    assert check_leakage(frame, target, schema, np.arange(int(n * 0.7)), seed=0) == []
    assert time.perf_counter() - start < 5
