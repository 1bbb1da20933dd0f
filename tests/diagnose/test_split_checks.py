"""After-split checks: copies across parts, groups and times on both sides, unseen categories, shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnose.helpers import clean_frame, ids, one, prepare, random_split, real
from trainguard.diagnose.split_checks import check_split, check_split_labels
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


# --- checks that read training and validation labels (issue 16) -------------------------------


def label_findings(frame: pd.DataFrame, target: str, split: Split):
    frame, target_, schema = prepare(frame, target)
    return check_split_labels(frame, target_, schema, split, seed=0)


def test_classes_absent_from_training_when_split_by_island():
    frame, target = real("penguins")  # Torgersen has only Adelie penguins; Biscoe has the Gentoo
    frame = frame.dropna(subset=[target]).reset_index(drop=True)
    split = split_rows(len(frame), groups=frame["island"], seed=1, group_name="island")
    assert set(frame["island"].iloc[split.train]) == {"Dream"}
    finding = one(label_findings(frame, target, split), "unseen-classes")
    assert finding.evidence["val"]["classes"] == {"Gentoo": 124}
    assert "['Gentoo'] (124 rows)" in finding.message and "never predict" in finding.message


def test_relation_that_breaks_on_validation_rows():
    frame, target = real("diamonds:price")
    split = split_rows(len(frame), seed=0)
    broken = frame.reset_index(drop=True)
    rng = np.random.default_rng(0)
    # The validation rows' weights were recorded for other stones (a bad join).
    broken.loc[split.val, "carat"] = rng.permutation(broken.loc[split.val, "carat"].to_numpy())
    finding = one(label_findings(broken, target, split), "relation-change")
    changed = finding.evidence["columns"]
    assert list(changed) == ["carat"]
    assert changed["carat"]["skill_train"] > 0.8 and changed["carat"]["skill_validation"] < 0.1
    assert "'carat' (0.8" in finding.message and "--drop carat" in finding.fix


@pytest.mark.parametrize("name", ["penguins", "sk:breast_cancer", "sk:wine", "sk:diabetes", "diamonds:price",
                                  "colon:status", "Tobacco:stobacco", "Star:tmathssk"])
def test_random_splits_of_real_tables_raise_no_label_findings(name):
    frame, target = real(name)
    frame = frame.dropna(subset=[target]).reset_index(drop=True)
    classification = frame[target].nunique() <= 20
    labels = frame[target] if classification else None
    split = split_rows(len(frame), y=labels, stratify=classification, seed=0)
    assert label_findings(frame, target, split) == []
