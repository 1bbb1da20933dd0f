"""The split is the foundation of every honest score, so its guarantees are pinned down here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trainguard.errors import ConfigError, DataError
from trainguard.split.splitter import Split, SplitFractions, part_sizes, split_rows

NO_VAL = SplitFractions(0.8, 0.0, 0.2)


def assert_partition(split: Split, n_rows: int) -> None:
    parts = [split.train, split.val, split.test]
    combined = np.concatenate(parts)
    assert np.array_equal(np.sort(combined), np.arange(n_rows)), "parts must cover every row once"
    for part in parts:
        assert part.dtype == np.int64
        assert np.all(np.diff(part) > 0), "each part is sorted ascending without repeats"


def group_sets(split: Split, groups: np.ndarray) -> list[set]:
    return [set(groups[split.train]), set(groups[split.val]), set(groups[split.test])]


# --- SplitFractions.parse -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.7,0.15,0.15", (0.7, 0.15, 0.15)),
        ("70,15,15", (0.7, 0.15, 0.15)),
        (" 0.8 , 0 , 0.2 ", (0.8, 0.0, 0.2)),
        ("60%,20%,20%", (0.6, 0.2, 0.2)),
    ],
)
def test_parse_accepts_fractions_and_percentages(text: str, expected: tuple[float, ...]) -> None:
    parsed = SplitFractions.parse(text)
    assert (parsed.train, parsed.val, parsed.test) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "0.7,0.3",  # two numbers
        "0.5,0.2,0.2,0.1",  # four numbers
        "a,b,c",
        "0.7,,0.3",
        "0.5,0.5,0.5",  # sums to 1.5
        "60,20,10",  # sums to 90
        "-0.1,0.6,0.5",  # negative
        "0,0.5,0.5",  # no train
        "0.8,0.2,0",  # no test
        "nan,0.5,0.5",
        "",
    ],
)
def test_parse_rejects_bad_text_with_fixable_config_error(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        SplitFractions.parse(text)
    message = str(info.value)
    assert message.startswith("--split:")
    assert "Fix:" in message
    assert "\n" not in message


# --- random split -------------------------------------------------------------------------------


def test_random_split_sizes_match_fractions_exactly() -> None:
    split = split_rows(1000, seed=1)
    assert split.sizes() == {"train": 700, "val": 150, "test": 150}
    assert split.strategy == "random"
    assert_partition(split, 1000)


@pytest.mark.parametrize("n_rows", [10, 17, 101, 333, 1001])
def test_sizes_round_within_one_row(n_rows: int) -> None:
    fractions = SplitFractions(0.6, 0.25, 0.15)
    split = split_rows(n_rows, fractions=fractions, seed=0)
    assert_partition(split, n_rows)
    for name, share in (("train", 0.6), ("val", 0.25), ("test", 0.15)):
        assert abs(split.sizes()[name] - share * n_rows) < 2
    assert split.sizes() == part_sizes(n_rows, fractions)


def test_same_seed_same_split_other_seed_differs() -> None:
    first, again = split_rows(500, seed=7), split_rows(500, seed=7)
    assert first == again
    assert split_rows(500, seed=8) != first


def test_zero_validation_share_gives_empty_val() -> None:
    split = split_rows(200, fractions=NO_VAL, seed=3)
    assert split.sizes() == {"train": 160, "val": 0, "test": 40}
    assert split.val.dtype == np.int64
    assert_partition(split, 200)


# --- stratified split ---------------------------------------------------------------------------


def test_stratified_keeps_class_proportions_in_every_part() -> None:
    y = np.array(["a"] * 600 + ["b"] * 300 + ["c"] * 100)
    np.random.default_rng(0).shuffle(y)
    split = split_rows(1000, y=y, stratify=True, seed=5)
    assert split.strategy == "stratified"
    assert_partition(split, 1000)
    for part in (split.train, split.val, split.test):
        counts = pd.Series(y[part]).value_counts()
        for label, share in (("a", 0.6), ("b", 0.3), ("c", 0.1)):
            assert abs(counts[label] - share * len(part)) <= 1.5


def test_stratified_accepts_series_labels_and_is_reproducible() -> None:
    y = pd.Series(["yes"] * 30 + ["no"] * 70, index=range(500, 600))
    first = split_rows(100, y=y, stratify=True, seed=2)
    assert first == split_rows(100, y=y, stratify=True, seed=2)
    assert first != split_rows(100, y=y, stratify=True, seed=3)


def test_rare_class_raises_data_error_naming_the_class() -> None:
    y = np.array(["common"] * 40 + ["rare"] * 2 + ["unique"])
    with pytest.raises(DataError) as info:
        split_rows(43, y=y, stratify=True, target_name="species")
    message = str(info.value)
    assert "'rare' has 2 rows" in message and "'unique' has 1 row" in message
    assert "column 'species'" in message
    assert "Fix:" in message and "merge rare classes" in message


def test_class_thinned_by_a_large_test_share_is_still_named() -> None:
    y = np.array(["a"] * 97 + ["b"] * 3)
    with pytest.raises(DataError, match="'b' has 3 rows but only"):
        split_rows(100, y=y, stratify=True, fractions=SplitFractions(0.1, 0.1, 0.8))


def test_more_classes_than_rows_in_a_part_raises_data_error() -> None:
    y = np.repeat(np.arange(10), 3)
    with pytest.raises(DataError, match="fewer than the 10 classes"):
        split_rows(30, y=y, stratify=True)


# --- too little data ----------------------------------------------------------------------------


@pytest.mark.parametrize("n_rows", [0, 1, 5, 9])
def test_too_few_rows_raises_data_error(n_rows: int) -> None:
    with pytest.raises(DataError) as info:
        split_rows(n_rows)
    assert f"too few rows ({n_rows}) to split into train/validation/test" in str(info.value)
    assert "Fix:" in str(info.value)


def test_part_that_would_be_empty_raises_data_error() -> None:
    with pytest.raises(DataError, match="train part would get 0 of 10 rows"):
        split_rows(10, fractions=SplitFractions(0.01, 0.49, 0.5))


# --- group split --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_groups_never_straddle_parts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, 40, size=600).astype(str)  # unequal group sizes, shuffled order
    split = split_rows(600, groups=pd.Series(groups), seed=seed)
    assert split.strategy == "group"
    assert_partition(split, 600)
    train, val, test = group_sets(split, groups)
    assert train and val and test
    assert not (train & val) and not (train & test) and not (val & test)


def test_groups_apportion_groups_not_rows_and_are_reproducible() -> None:
    groups = np.repeat(np.arange(20), 5)
    split = split_rows(100, groups=groups, seed=4)
    assert [len(s) for s in group_sets(split, groups)] == [14, 3, 3]
    assert split == split_rows(100, groups=groups, seed=4)
    assert split != split_rows(100, groups=groups, seed=5)


def test_groups_win_over_stratify() -> None:
    y = np.array([0, 1] * 50)
    split = split_rows(100, y=y, stratify=True, groups=np.repeat(np.arange(10), 10))
    assert split.strategy == "group"


def test_groups_with_zero_validation_need_only_two_groups() -> None:
    groups = np.array(["x"] * 10 + ["y"] * 10)
    split = split_rows(20, groups=groups, fractions=NO_VAL)
    assert split.sizes()["val"] == 0
    train, _, test = group_sets(split, groups)
    assert len(train) == 1 and len(test) == 1


def test_too_few_groups_raises_data_error() -> None:
    with pytest.raises(DataError, match="only 2 distinct groups") as info:
        split_rows(20, groups=np.array(["x"] * 10 + ["y"] * 10), group_name="patient")
    assert "column 'patient'" in str(info.value)


def test_missing_groups_raise_data_error_with_count() -> None:
    groups = pd.Series(["a", "b", None, "c", np.nan] * 4)
    with pytest.raises(DataError) as info:
        split_rows(20, groups=groups, group_name="patient")
    assert "column 'patient': 8 rows have no group value" in str(info.value)


def test_groups_and_times_together_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        split_rows(50, groups=np.arange(50) % 5, times=pd.Series(np.arange(50)))
    assert str(info.value).startswith("--group/--time:") and "Fix:" in str(info.value)


# --- time split ---------------------------------------------------------------------------------


def test_time_split_tests_on_latest_rows_and_keeps_positions_sorted() -> None:
    times = pd.Series(pd.date_range("2021-01-01", periods=100, freq="D"))
    shuffled = times.sample(frac=1, random_state=0).reset_index(drop=True)
    split = split_rows(100, times=shuffled, seed=123)
    assert split.strategy == "time"
    assert split.sizes() == {"train": 70, "val": 15, "test": 15}
    assert_partition(split, 100)
    assert shuffled[split.train].max() < shuffled[split.val].min()
    assert shuffled[split.val].max() < shuffled[split.test].min()


def test_time_split_ignores_seed_and_stratify() -> None:
    times = pd.Series(np.arange(50.0))
    y = np.array([0, 1] * 25)
    plain = split_rows(50, times=times, seed=0)
    assert plain == split_rows(50, times=times, y=y, stratify=True, seed=99)


def test_time_ties_at_the_boundary_stay_together() -> None:
    # Target boundaries are rows 70 and 85. Day 3 spans sorted rows 80-91, so test moves to start
    # at the nearer end, 80; day 2 spans 60-79, so validation starts at 60 (80 is taken by test).
    days = ["2021-01-01"] * 60 + ["2021-01-02"] * 20 + ["2021-01-03"] * 12 + ["2021-01-04"] * 8
    times = pd.Series(pd.to_datetime(days)).sample(frac=1, random_state=1).reset_index(drop=True)
    split = split_rows(100, times=times)
    assert_partition(split, 100)
    train, val, test = (set(times[p]) for p in (split.train, split.val, split.test))
    assert not (train & val) and not (val & test) and not (train & test)
    assert times[split.train].max() < times[split.val].min() <= times[split.val].max()
    assert times[split.val].max() < times[split.test].min()
    assert split.sizes() == {"train": 60, "val": 20, "test": 20}


def test_time_split_without_validation_cuts_between_distinct_times() -> None:
    times = pd.Series([3, 1, 2, 2, 2, 2, 2, 2, 2, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    split = split_rows(20, times=times, fractions=NO_VAL)
    assert times[split.train].max() < times[split.test].min()
    assert {int(t) for t in times[split.test]} == {10, 11, 12, 13}


def test_time_with_too_few_distinct_values_raises_data_error() -> None:
    times = pd.Series([1] * 99 + [2])
    with pytest.raises(DataError, match="only 2 distinct time value"):
        split_rows(100, times=times)
    split = split_rows(100, times=times, fractions=NO_VAL)
    assert split.sizes() == {"train": 99, "val": 0, "test": 1}


def test_missing_times_raise_data_error_with_count() -> None:
    times = pd.Series(pd.to_datetime(["2021-01-01", None, "2021-01-03", None] * 5))
    with pytest.raises(DataError) as info:
        split_rows(20, times=times, time_name="signup_date")
    assert "column 'signup_date': 10 rows have no time value" in str(info.value)
    assert "Fix:" in str(info.value)


# --- Split record -------------------------------------------------------------------------------


def test_to_frame_from_frame_round_trip() -> None:
    split = split_rows(50, seed=9)
    frame = split.to_frame()
    assert list(frame.columns) == ["row", "part"]
    assert frame["row"].tolist() == list(range(50))
    assert frame["part"].value_counts().to_dict() == split.sizes()
    assert Split.from_frame(frame, split.strategy) == split
    shuffled = frame.sample(frac=1, random_state=0)
    assert Split.from_frame(shuffled, "random") == split


def test_from_frame_rejects_an_inconsistent_file() -> None:
    frame = split_rows(20).to_frame()
    broken = frame.copy()
    broken.loc[0, "part"] = "holdout"
    with pytest.raises(DataError, match="holdout"):
        Split.from_frame(broken, "random")
    with pytest.raises(DataError, match="listed more than once"):
        Split.from_frame(pd.concat([frame, frame.head(1)]), "random")
    with pytest.raises(DataError, match="missing column"):
        Split.from_frame(frame[["row"]], "random")


def test_split_refuses_overlapping_parts() -> None:
    with pytest.raises(ValueError, match="more than one part"):
        Split(train=np.array([0, 1]), val=np.array([1]), test=np.array([2]), strategy="random")
