"""Split rows into train / validation / test before anything is fit.

Splitting first is what keeps evaluation honest: every later step (imputation, scaling, encoding,
model selection) learns only from the train rows, so the test score measures data the pipeline has
never seen. This module only decides *which rows go where*; it never looks at feature values.

Four strategies, chosen by what the caller passes:

* ``time``: ``times`` given. Test is the latest rows, because a model will be used on the future.
* ``group``: ``groups`` given. No group straddles parts, because rows of one patient / customer /
  site are near-duplicates and would otherwise leak their answers into the test score.
* ``stratified``: ``stratify=True``. Every part keeps the class mix, so a rare class is not
  accidentally missing from validation or test.
* ``random``: otherwise.

All strategies carve off test first and then split the rest into train and validation, so the test
part is the same whether or not validation is requested with the same seed and test share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from trainguard.errors import ConfigError, DataError
from trainguard.findings import shown

STRATEGIES: Final = ("stratified", "random", "group", "time")
PARTS: Final = ("train", "val", "test")
PART_LABELS: Final = {"train": "train", "val": "validation", "test": "test"}

#: Below this, a test score is a coin flip and a validation score even more so.
MIN_ROWS: Final = 10
#: Float noise in ``0.15 * 1000`` must not turn 150 rows into 151 when rounding up.
_EPS: Final = 1e-9
#: How many offending classes a message lists before summarising the rest.
_MAX_LISTED: Final = 5


@dataclass(frozen=True)
class SplitFractions:
    """The share of rows for each part; validated on construction so a bad split never starts."""

    train: float
    val: float
    test: float

    def __post_init__(self) -> None:
        values = (self.train, self.val, self.test)
        if not all(math.isfinite(v) for v in values):
            raise _split_error(f"shares must be finite numbers, got {_fmt(values)}")
        if any(v < 0 for v in values):
            raise _split_error(f"shares can't be negative, got {_fmt(values)}")
        if self.train == 0 or self.test == 0:
            raise _split_error(
                f"train and test shares must be above 0, got {_fmt(values)}",
                fix="give train and test a share, e.g. --split 0.7,0.15,0.15 (validation may be 0)",
            )
        if abs(sum(values) - 1.0) > 1e-6:
            raise _split_error(f"shares must sum to 1, got {_fmt(values)} (sum {sum(values):g})")

    @classmethod
    def parse(cls, text: str) -> SplitFractions:
        """Read ``--split``: fractions ("0.7,0.15,0.15") or percentages ("70,15,15").

        Percentages are recognised by summing to 100, which no valid set of fractions can.
        """
        values = _parse_numbers(text)
        total = sum(values)
        if abs(total - 100.0) <= 1e-6:
            values = [v / 100.0 for v in values]
        elif abs(total - 1.0) > 1e-6 and all(math.isfinite(v) for v in values):
            raise _split_error(f"shares must sum to 1 (or 100), got {text.strip()!r} (sum {total:g})")
        return cls(*values)

    @property
    def has_val(self) -> bool:
        return self.val > 0

    @property
    def n_parts(self) -> int:
        return 3 if self.has_val else 2

    def __str__(self) -> str:
        return f"{self.train:g},{self.val:g},{self.test:g}"


def _parse_numbers(text: str) -> list[float]:
    pieces = [p.strip().rstrip("%").strip() for p in str(text).split(",")]
    if len(pieces) != 3 or not all(pieces):
        raise _split_error(f"expected 3 comma-separated numbers (train,val,test), got {text!r}")
    try:
        return [float(p) for p in pieces]
    except ValueError:
        raise _split_error(f"expected 3 comma-separated numbers (train,val,test), got {text!r}") from None


def _split_error(what: str, fix: str | None = None) -> ConfigError:
    return ConfigError(
        what,
        where="--split",
        fix=fix or "pass train,val,test shares summing to 1 or 100, e.g. --split 0.7,0.15,0.15",
    )


def _fmt(values: Sequence[float]) -> str:
    return ",".join(f"{v:g}" for v in values)


@dataclass(frozen=True, eq=False)
class Split:
    """Which positional rows belong to each part; the one record every later stage trusts.

    Indices are positions (``iloc``), not index labels, so they survive any re-indexing of the frame
    and can be saved next to a run and reapplied to the same file.
    """

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    strategy: str

    def __post_init__(self) -> None:
        for name in PARTS:
            object.__setattr__(self, name, _as_indices(getattr(self, name), name))
        if self.strategy not in STRATEGIES:
            raise ValueError(f"unknown split strategy {self.strategy!r}; expected one of {STRATEGIES}")
        seen = np.concatenate([self.train, self.val, self.test])
        if len(np.unique(seen)) != len(seen):
            raise ValueError("a row appears in more than one part of the split")

    __hash__ = None  # type: ignore[assignment]  # arrays are mutable, so no hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Split):
            return NotImplemented
        return self.strategy == other.strategy and all(
            np.array_equal(getattr(self, p), getattr(other, p)) for p in PARTS
        )

    def sizes(self) -> dict[str, int]:
        return {name: int(len(getattr(self, name))) for name in PARTS}

    @property
    def n_rows(self) -> int:
        return sum(self.sizes().values())

    def to_frame(self) -> pd.DataFrame:
        """One row per data row so the indices file diffs cleanly and reads back without parsing."""
        rows = np.concatenate([self.train, self.val, self.test])
        parts = np.repeat(np.array(PARTS, dtype=object), [len(self.train), len(self.val), len(self.test)])
        order = np.argsort(rows, kind="stable")
        return pd.DataFrame({"row": rows[order], "part": parts[order]})

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, strategy: str) -> Split:
        """Rebuild a saved split, refusing a file that was edited into something inconsistent."""
        missing = [c for c in ("row", "part") if c not in frame.columns]
        if missing:
            raise _indices_error(f"missing column(s) {', '.join(missing)}")
        rows = pd.to_numeric(frame["row"], errors="coerce")
        if rows.isna().any() or (rows % 1 != 0).any() or (rows < 0).any():
            raise _indices_error("column 'row' must hold non-negative whole numbers")
        if rows.duplicated().any():
            raise _indices_error(f"row {int(rows[rows.duplicated()].iloc[0])} is listed more than once")
        parts = frame["part"].astype("object")
        unknown = sorted({str(p) for p in parts if p not in PARTS})
        if unknown:
            raise _indices_error(f"column 'part' has unknown value(s) {', '.join(map(repr, unknown))}")
        values = rows.to_numpy(dtype=np.int64)
        chosen = {name: values[(parts == name).to_numpy()] for name in PARTS}
        return cls(strategy=strategy, **chosen)


def _as_indices(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.size == 0:
        return np.empty(0, dtype=np.int64)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"split part {name!r} must be a 1-D array of integer row positions")
    return np.sort(array.astype(np.int64, copy=False))


def _indices_error(what: str) -> DataError:
    return DataError(
        what,
        where="split indices",
        fix="restore the indices file saved with the run, or split again",
    )


def split_rows(
    n_rows: int,
    *,
    fractions: SplitFractions = SplitFractions(0.7, 0.15, 0.15),
    y: np.ndarray | pd.Series | None = None,
    stratify: bool = False,
    groups: pd.Series | np.ndarray | None = None,
    times: pd.Series | None = None,
    seed: int = 0,
    group_name: str = "group",
    time_name: str = "time",
    target_name: str = "target",
) -> Split:
    """Decide which rows are train, validation and test; the first thing any run does.

    Precedence: ``times`` > ``groups`` > ``stratify`` > random. Stratification is not combined
    with groups or time: groups must stay whole and time must stay ordered, and both matter more
    for an honest score than an even class mix. ``groups`` with ``times`` is refused outright since
    neither can give way silently.

    Precondition: when ``stratify`` is true, ``y`` has no missing values (the caller drops rows
    without a target first); a NaN there surfaces as scikit-learn's ``ValueError``/``TypeError``.

    Part sizes are whole rows computed from the fractions of *all* rows (validation and test round
    up, train takes the rest), so 1000 rows at 0.7/0.15/0.15 are exactly 700/150/150. That equals
    rescaling validation to ``val / (train + val)`` of the remainder, without float rounding
    turning 150 into 151.
    """
    if groups is not None and times is not None:
        raise ConfigError(
            "a grouped split and a time-ordered split can't be combined",
            where="--group/--time",
            fix="choose one: --group keeps each group on one side, --time tests on the latest rows",
        )
    if stratify and y is None and groups is None and times is None:
        raise ValueError("stratify=True needs the class labels in y")
    _check_lengths(n_rows, y=y if stratify else None, groups=groups, times=times)

    if times is not None:
        codes = _time_codes(times, time_name)
        _check_row_count(n_rows, fractions)
        return _time_split(codes, fractions, time_name)
    if groups is not None:
        codes = _group_codes(groups, group_name)
        _check_row_count(n_rows, fractions)
        return _group_split(codes, fractions, seed, group_name)
    _check_row_count(n_rows, fractions)
    if stratify:
        labels = np.asarray(y)
        _check_classes(labels, part_sizes(n_rows, fractions), fractions, target_name)
        return _shuffle_split(n_rows, fractions, seed, labels, target_name)
    return _shuffle_split(n_rows, fractions, seed, None)


def part_sizes(n: int, fractions: SplitFractions) -> dict[str, int]:
    """Whole counts per part: held-out parts round up (as scikit-learn does), train takes the rest."""
    n_test = math.ceil(fractions.test * n - _EPS)
    n_val = math.ceil(fractions.val * n - _EPS) if fractions.has_val else 0
    return {"train": n - n_test - n_val, "val": n_val, "test": n_test}


def _check_lengths(n_rows: int, **columns: Any) -> None:
    if n_rows < 0:
        raise ValueError(f"n_rows must be >= 0, got {n_rows}")
    for name, values in columns.items():
        if values is not None and len(values) != n_rows:
            raise ValueError(f"{name} has {len(values)} values but n_rows is {n_rows}")


def _parts_phrase(fractions: SplitFractions) -> str:
    return "train/validation/test" if fractions.has_val else "train/test"


def _check_row_count(n_rows: int, fractions: SplitFractions) -> None:
    """Refuse splits whose scores would be noise, and parts that would come out empty."""
    if n_rows < MIN_ROWS:
        raise DataError(
            f"too few rows ({n_rows}) to split into {_parts_phrase(fractions)}",
            fix=f"use a dataset with at least {MIN_ROWS} rows (hundreds for a trustworthy score)",
        )
    sizes = part_sizes(n_rows, fractions)
    _check_nonempty(sizes, n_rows, "rows", fractions)


def _check_nonempty(sizes: dict[str, int], total: int, unit: str, fractions: SplitFractions) -> None:
    for name in PARTS:
        wanted = name != "val" or fractions.has_val
        if wanted and sizes[name] < 1:
            raise DataError(
                f"the {PART_LABELS[name]} part would get {sizes[name]} of {total} {unit}",
                where="--split",
                fix=f"give {PART_LABELS[name]} a larger share in --split, or collect more {unit}",
            )


def _shuffle_split(
    n_rows: int,
    fractions: SplitFractions,
    seed: int,
    labels: np.ndarray | None,
    target_name: str = "target",
) -> Split:
    """Random or stratified: both stages draw from the same seed, so reruns give identical parts."""
    sizes = part_sizes(n_rows, fractions)
    rows = np.arange(n_rows, dtype=np.int64)
    rest, test = _carve(rows, sizes["test"], seed, labels)
    if fractions.has_val:
        rest_labels = None
        if labels is not None:
            _check_rest_classes(labels, rest, target_name)
            rest_labels = labels[rest]
        train, val = _carve(rest, sizes["val"], seed, rest_labels)
    else:
        train, val = rest, np.empty(0, dtype=np.int64)
    return Split(train=train, val=val, test=test, strategy="random" if labels is None else "stratified")


def _carve(
    rows: np.ndarray, n_held: int, seed: int, labels: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    kept, held = train_test_split(rows, test_size=n_held, random_state=seed, stratify=labels)
    return kept, held


def _check_rest_classes(labels: np.ndarray, rest: np.ndarray, target_name: str) -> None:
    """Catch a class left too thin for the second stage, which the up-front check can't foresee.

    With a large test share a 3-row class can lose 2 rows to test, leaving 1 for train and
    validation; scikit-learn would refuse that with a message that names no fix.
    """
    total = pd.Series(labels).value_counts()
    left = pd.Series(labels[rest]).value_counts().reindex(total.index, fill_value=0)
    thin = left[left < 2].sort_values()
    if len(thin):
        listed = [
            f"class {shown(c)} has {total[c]} rows but only {n} left after the test part"
            for c, n in thin.items()
        ][:_MAX_LISTED]
        raise DataError(
            f"{', '.join(listed)}: too few to stratify train and validation",
            where=f"column '{target_name}'",
            fix="collect more rows of those classes, merge rare classes, or drop them; "
            "or use --split with a larger train share",
        )


def _check_classes(
    labels: np.ndarray, sizes: dict[str, int], fractions: SplitFractions, target_name: str
) -> None:
    """Turn scikit-learn's stratification failures into errors that name the classes to fix.

    A class needs at least one row per part; each part needs at least one row per class.
    """
    counts = pd.Series(labels).value_counts(sort=True, ascending=True)
    need = fractions.n_parts
    rare = counts[counts < need]
    if len(rare):
        raise DataError(
            f"{_describe_classes(rare)}: too few to put every class in each of the "
            f"{_parts_phrase(fractions)} parts (a stratified split needs at least {need} rows per class)",
            where=f"column '{target_name}'",
            fix="collect more rows of those classes, merge rare classes, or drop them",
        )
    for name in PARTS:
        if (name != "val" or fractions.has_val) and sizes[name] < len(counts):
            raise DataError(
                f"the {PART_LABELS[name]} part would get {sizes[name]} rows, fewer than the "
                f"{len(counts)} classes, so stratification can't put every class in it",
                where=f"column '{target_name}'",
                fix=f"give {PART_LABELS[name]} a larger share with --split, merge rare classes, "
                "or collect more rows",
            )


def _describe_classes(counts: pd.Series) -> str:
    items = [f"class {shown(label)} has {n} row{'s' if n != 1 else ''}" for label, n in counts.items()]
    if len(items) > _MAX_LISTED:
        items = items[:_MAX_LISTED] + [f"{len(items) - _MAX_LISTED} more classes are as rare"]
    return ", ".join(items)


def _group_codes(groups: pd.Series | np.ndarray, group_name: str) -> np.ndarray:
    """Integer codes per group, so any label type works and missing groups are caught first."""
    codes, _ = pd.factorize(pd.Series(groups).reset_index(drop=True), use_na_sentinel=True)
    n_missing = int((codes < 0).sum())
    if n_missing:
        raise DataError(
            f"{n_missing} row{'s have' if n_missing != 1 else ' has'} no group value",
            where=f"column '{group_name}'",
            fix="fill in the missing group values or drop those rows",
        )
    return codes.astype(np.int64)


def _group_split(codes: np.ndarray, fractions: SplitFractions, seed: int, group_name: str) -> Split:
    """Whole groups per part, via GroupShuffleSplit twice.

    GroupShuffleSplit apportions *groups*, not rows: with groups of unequal size the row shares
    drift from the requested fractions. That is the price of never leaking a group across parts.
    """
    n_groups = int(codes.max()) + 1
    if n_groups < fractions.n_parts:
        raise DataError(
            f"only {n_groups} distinct group{'s' if n_groups != 1 else ''}, but each of the "
            f"{_parts_phrase(fractions)} parts needs its own",
            where=f"column '{group_name}'",
            fix=f"use a group column with at least {fractions.n_parts} distinct values (many more "
            "for a trustworthy score), or split without --group",
        )
    sizes = part_sizes(n_groups, fractions)
    _check_nonempty(sizes, n_groups, "groups", fractions)
    rows = np.arange(len(codes), dtype=np.int64)
    rest, test = _group_shuffle(rows, codes, sizes["test"], seed)
    if fractions.has_val:
        rest_train, rest_val = _group_shuffle(rest, codes[rest], sizes["val"], seed)
        train, val = rest[rest_train], rest[rest_val]
    else:
        train, val = rest, np.empty(0, dtype=np.int64)
    return Split(train=train, val=val, test=rows[test], strategy="group")


def _group_shuffle(
    rows: np.ndarray, codes: np.ndarray, n_held: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    splitter = GroupShuffleSplit(n_splits=1, test_size=n_held, random_state=seed)
    keep, held = next(splitter.split(rows, groups=codes))
    return keep, held


def _time_codes(times: pd.Series | np.ndarray, time_name: str) -> np.ndarray:
    """Dense ranks of the times (equal times share a rank), so ties are explicit and tz-safe."""
    series = pd.Series(times).reset_index(drop=True)
    n_missing = int(series.isna().sum())
    if n_missing:
        raise DataError(
            f"{n_missing} row{'s have' if n_missing != 1 else ' has'} no time value",
            where=f"column '{time_name}'",
            fix="fill in the missing times or drop those rows, or split without --time",
        )
    codes, _ = pd.factorize(series, sort=True)
    return codes.astype(np.int64)


def _time_split(codes: np.ndarray, fractions: SplitFractions, time_name: str) -> Split:
    """Earliest rows train, latest rows test, never shuffled.

    Rows sharing a timestamp are never cut apart: a boundary that would fall inside a run of equal
    times moves to the nearer end of that run (the earlier end when both are equally near), so
    every train time is strictly before every validation time, which is strictly before every test
    time. Part sizes can therefore differ from the fractions by the length of a tied run.
    """
    n = len(codes)
    order = np.argsort(codes, kind="stable")
    ranked = codes[order]
    edges = np.flatnonzero(ranked[1:] != ranked[:-1]) + 1  # positions where a new time starts
    if len(edges) < fractions.n_parts - 1:
        raise DataError(
            f"only {len(edges) + 1} distinct time value(s) among {n} rows, and equal times must stay "
            f"in one part, so they can't fill the {_parts_phrase(fractions)} parts",
            where=f"column '{time_name}'",
            fix="use a time column with finer resolution, or split without --time",
        )
    sizes = part_sizes(n, fractions)
    # With validation, test must start after the first edge so train and validation both get rows.
    test_starts = edges[1:] if fractions.has_val else edges
    test_start = _nearest_edge(test_starts, n - sizes["test"])
    val_start = test_start
    if fractions.has_val:
        val_start = _nearest_edge(edges[edges < test_start], sizes["train"])
    return Split(
        train=order[:val_start],
        val=order[val_start:test_start],
        test=order[test_start:],
        strategy="time",
    )


def _nearest_edge(edges: np.ndarray, target: int) -> int:
    return int(edges[np.argmin(np.abs(edges - target))])  # argmin keeps the earlier edge on a tie
