"""After-split checks: copies across parts, groups and times on both sides, unseen categories, shift."""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose.helpers import clean_frame, ids, one, prepare, random_split
from trainguard.diagnose.split_checks import check_split
from trainguard.findings import Severity
from trainguard.split.splitter import Split, SplitFractions, split_rows


def run(frame: pd.DataFrame, split: Split | None = None, **options: object):
    frame, _, schema = prepare(frame, "y")
    return check_split(frame, schema, split or random_split(len(frame)), **options)  # type: ignore[arg-type]


def test_clean_random_split_raises_nothing():
    assert run(clean_frame(n=600)) == []


def test_exact_and_near_duplicates_across_parts():
    frame = clean_frame(n=400)
    copies = frame.iloc[:40].copy()
    copies["a"] = copies["a"] + 1e-7  # near copies: equal after rounding to 4 digits
    data = pd.concat([frame, frame.iloc[:40], copies], ignore_index=True)
    finding = one(run(data), "train-test-duplicates")
    assert finding.severity == Severity.WARNING
    held = [finding.evidence[p] for p in ("val", "test") if p in finding.evidence]
    assert sum(e["exact"] for e in held) > 0 and sum(e["near"] for e in held) > 0


def test_group_overlap():
    frame = clean_frame(n=400)
    frame["patient"] = np.arange(400) % 50
    finding = one(run(frame, group="patient"), "group-overlap")
    assert finding.severity == Severity.ERROR and finding.evidence["column"] == "patient"
    grouped = split_rows(400, fractions=SplitFractions(0.7, 0.15, 0.15), groups=frame["patient"], seed=0)
    assert "group-overlap" not in ids(run(frame, grouped, group="patient"))


def test_time_overlap():
    frame = clean_frame(n=400)
    times = pd.Series(pd.date_range("2021-01-01", periods=400, freq="h"))
    frame["when"] = times.dt.strftime("%Y-%m-%d %H:%M")
    finding = one(run(frame, time="when", times=times), "time-overlap")
    assert finding.severity == Severity.ERROR
    ordered = split_rows(400, fractions=SplitFractions(0.7, 0.15, 0.15), times=times)
    assert "time-overlap" not in ids(run(frame, ordered, time="when", times=times))


def test_unseen_categories_in_held_out_parts():
    frame = clean_frame(n=400)
    split = random_split(400)
    frame.loc[split.test[:20], "color"] = "purple"
    finding = one(run(frame, split), "unseen-categories")
    assert finding.severity == Severity.WARNING
    assert finding.evidence["columns"]["color"]["test"]["rows"] == 20
    assert finding.evidence["columns"]["color"]["test"]["examples"] == ["purple"]


def test_distribution_shift_names_the_driver():
    frame = clean_frame(n=800)
    ordered = split_rows(800, fractions=SplitFractions(0.7, 0.15, 0.15), times=pd.Series(np.arange(800)))
    frame["price"] = np.linspace(10, 20, 800) + np.random.default_rng(0).normal(0, 0.3, 800)  # drifts
    finding = one(run(frame, ordered), "distribution-shift")
    assert finding.severity == Severity.WARNING
    assert next(iter(finding.evidence["drivers_one_column_auc"])) == "price"
