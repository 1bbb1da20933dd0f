"""Before-split checks: each fires on a fixture made to trigger it, and stays quiet on clean data."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from diagnose.helpers import clean_frame, ids, one, prepare, real
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


# --- keys by shape, repeated entities (issue 16) ----------------------------------------------


def test_repeated_patient_key_of_a_real_table_suggests_group():
    frame, target = real("colon:status")  # two rows per patient (recurrence and death)
    finding = one(run(frame, target), "repeated-entity-key")
    assert finding.severity == Severity.WARNING and finding.evidence["column"] == "id"
    assert finding.evidence["distinct"] == 929 and finding.evidence["whole_row_copies"] == 0
    assert "different rows of the same entity" in finding.message
    assert "--group id" in finding.fix


def test_repeats_that_are_whole_row_copies_are_said_to_be():
    frame, target = real("colon:status")
    once = frame[frame["etype"] == 2]  # one row per patient ...
    copied = pd.concat([once, once.iloc[:200]], ignore_index=True)  # ... 200 of them exported twice
    finding = one(run(copied, target), "repeated-entity-key")
    assert finding.evidence["repeats"] == 200 and finding.evidence["whole_row_copies"] == 200
    assert "whole-row copies" in finding.message and "remove the duplicate rows" in finding.fix


def test_row_counter_with_gaps_in_a_real_table():
    frame, target = real("pbc:status")  # 'id' 1..418, in file order: read as an identifier
    shuffled = frame.sample(frac=0.7, random_state=0)  # rows filtered and reordered: now a feature
    finding = one(run(shuffled, target), "id-like-column")
    assert "id" in finding.evidence["columns"] and "gaps" in finding.evidence["columns"]["id"]


def test_prefixed_codes_are_keys():
    frame = clean_frame(n=300)
    frame["customer"] = [f"C{1000 + i // 2:05d}" for i in range(300)]  # two rows per customer
    assert one(run(frame), "repeated-entity-key").evidence["column"] == "customer"


@pytest.mark.parametrize("name", ["penguins", "sk:breast_cancer", "sk:wine", "sk:diabetes",
                                  "diamonds:price", "Boston:medv", "Tobacco:stobacco", "lung:status"])
def test_real_tables_without_keys_have_no_key_findings(name):
    frame, target = real(name)
    assert not ids(run(frame, target)) & {"id-like-column", "repeated-entity-key"}


# --- the same category spelled differently (issue 16) -----------------------------------------


def test_spelling_variants_in_real_tables():
    frame, _ = real("Journals:libprice")  # publishers as typed by hand
    finding = one(run(frame, "libprice"), "category-spellings")
    groups = finding.evidence["columns"]["pub"]
    assert {"MIT Press", "MIT press"} in [set(g) for g in groups]
    assert {"Oxford Univ Press", "Oxford Univ. Press"} in [set(g) for g in groups]
    assert "'pub' ('Oxford Univ Press' / 'Oxford Univ. Press' and 1 more)" in finding.message
    assert finding.evidence["rows_in_minority_spellings"] == 3


def test_signs_and_comparisons_are_not_spellings():
    from trainguard.diagnose.data_checks import spelling_key

    for a, b in [("PD+", "PD-"), ("<6m", ">6m"), ("0.1", "-0.1"), ("1.5", "15"), ("drug+", "drug")]:
        assert spelling_key(a) != spelling_key(b)
    same = [("Face to Face", "face-to-face"), ("Italy ", "Italy"), ("N/A", "n.a"), ("MatchIt", "matchit")]
    for a, b in same:
        assert spelling_key(a) == spelling_key(b)


# --- values shown as users wrote them (issue 16) -----------------------------------------------


def test_class_labels_print_as_written_not_as_numpy_reprs():
    frame, target = real("veteran:status")  # status 0/1, 9 censored of 137
    findings = run(frame, target)
    text = " ".join(f.message for f in findings)
    assert "smallest 0 has 9 rows, largest 1 has 128" in text
    assert "np." not in text
