"""Before-split checks: each fires on a fixture made to trigger it, and stays quiet on clean data."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from diagnose.helpers import clean_frame, ids, one, prepare
from trainguard.diagnose.data_checks import check_data
from trainguard.findings import Severity


def run(frame: pd.DataFrame, target: str = "y", **options: object):
    frame, target_, schema = prepare(frame, target, **options)
    return check_data(frame, target_, schema)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_clean_data_raises_nothing(task):
    assert run(clean_frame(task=task)) == []


def test_missing_values_are_counted_per_column():
    frame = clean_frame()
    frame.loc[:9, "a"] = np.nan
    finding = one(run(frame), "missing-values")
    assert finding.severity == Severity.INFO
    assert finding.evidence["missing"] == {"a": 10}


def test_mostly_missing_column_is_a_warning():
    frame = clean_frame()
    frame.loc[:299, "b"] = np.nan
    finding = one(run(frame), "missing-values")
    assert finding.severity == Severity.WARNING
    assert finding.evidence["mostly_missing"] == ["b"]
    assert "--drop b" in finding.fix


def test_infinite_values():
    frame = clean_frame()
    frame.loc[[1, 2], "a"] = np.inf
    frame.loc[3, "a"] = -np.inf
    finding = one(run(frame), "infinite-values")
    assert finding.evidence["columns"] == {"a": {"inf": 2, "-inf": 1}}


def test_constant_and_near_constant_columns():
    frame = clean_frame()
    frame["k"] = 7.0
    frame["rare"] = "no"
    frame.loc[0, "rare"] = "yes"
    findings = run(frame)
    constant = one(findings, "constant-column")
    assert constant.severity == Severity.WARNING and constant.evidence["columns"] == {"k": 7.0}
    near = one(findings, "near-constant-column")
    assert near.severity == Severity.INFO and "rare" in near.evidence["columns"]


def test_id_like_columns_shuffled_counter_and_uuid():
    frame = clean_frame(n=300)
    rng = np.random.default_rng(1)
    frame["row_no"] = rng.permutation(300) + 1000  # a counter, shuffled: not caught by roles
    frame["token"] = [uuid.UUID(int=int(rng.integers(0, 2**62))).hex for _ in range(300)]
    frame.loc[1, "token"] = frame.loc[0, "token"]  # one repeat, so it is not inferred as an ID
    finding = one(run(frame), "id-like-column")
    assert set(finding.evidence["columns"]) == {"row_no", "token"}
    assert "--id row_no,token" in finding.fix


def test_id_like_not_fired_by_measurements_or_counts():
    frame = clean_frame(n=300)
    rng = np.random.default_rng(2)
    frame["income"] = rng.permutation(np.arange(300) * 137 + 20000)  # unique whole numbers, spread out
    frame["visits"] = rng.integers(0, 20, 300)
    assert "id-like-column" not in ids(run(frame))


def test_duplicate_rows_and_conflicting_labels():
    frame = clean_frame()
    dupes = frame.iloc[:30].copy()
    conflict = frame.iloc[30:40].copy()
    conflict["y"] = np.where(conflict["y"] == "yes", "no", "yes")
    findings = run(pd.concat([frame, dupes, conflict], ignore_index=True))
    dup = one(findings, "duplicate-rows")
    assert dup.evidence["duplicate_rows"] == 30 and dup.severity == Severity.WARNING
    clash = one(findings, "conflicting-labels")
    assert clash.evidence["rows"] == 20 and clash.evidence["groups"] == 10
    assert clash.severity == Severity.WARNING


def test_conflicting_labels_in_coarse_data_are_only_info():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.integers(0, 3, 300), "b": rng.choice(["x", "z"], 300)})
    frame["y"] = np.where(frame["a"] + rng.normal(size=300) > 1, "yes", "no")
    findings = run(frame)
    assert one(findings, "conflicting-labels").severity == Severity.INFO
    assert one(findings, "duplicate-rows").severity in (Severity.INFO, Severity.WARNING)


def test_mixed_types():
    frame = clean_frame()
    frame["age"] = frame["c"].astype(str)
    frame.loc[[0, 5, 9], "age"] = "?"
    finding = one(run(frame), "mixed-types")
    assert finding.evidence["columns"]["age"]["text_rows"] == 3
    assert finding.evidence["columns"]["age"]["examples"] == ["?"]


def test_class_imbalance_and_small_class():
    frame = clean_frame(n=400)
    frame["y"] = ["common"] * 360 + ["rare"] * 32 + ["tiny"] * 8
    findings = run(frame)
    imbalance = one(findings, "class-imbalance")
    assert imbalance.severity == Severity.WARNING
    assert "PR-AUC" in imbalance.fix and "balanced accuracy" in imbalance.fix
    small = one(findings, "small-class")
    assert small.evidence["classes"] == {"tiny": 8}


def test_mild_imbalance_is_not_reported():
    frame = clean_frame(n=400)
    frame["y"] = ["a"] * 250 + ["b"] * 150
    assert not ids(run(frame)) & {"class-imbalance", "small-class"}


def test_high_cardinality():
    frame = clean_frame(n=400)
    rng = np.random.default_rng(4)
    frame["city"] = [f"city {k}" for k in rng.integers(0, 150, 400)]
    finding = one(run(frame), "high-cardinality")
    assert finding.severity == Severity.INFO and "city" in finding.evidence["columns"]


def test_date_column_suggests_time_split():
    frame = clean_frame()
    frame["signup"] = pd.date_range("2020-01-01", periods=len(frame), freq="D").strftime("%Y-%m-%d")
    finding = one(run(frame), "date-column")
    assert finding.severity == Severity.INFO and "--time signup" in finding.fix


def test_feature_scales_is_info():
    frame = clean_frame()
    frame["income"] = frame["c"] * 1e5
    finding = one(run(frame), "feature-scales")
    assert finding.severity == Severity.INFO
