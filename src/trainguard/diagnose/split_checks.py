"""Checks after the split: does the test part measure what it claims to?

* ``train-test-duplicates``: validation/test rows that are exact (or rounded) copies of training
  rows are scored from memory, not skill.
* ``group-overlap`` / ``time-overlap``: with ``--group``/``--time`` no group may straddle parts
  and training must come before test. trainguard's splitter guarantees both; the checks guard a
  split made elsewhere (the Python API accepts any :class:`Split`).
* ``unseen-categories``: categories in validation/test never seen in training are scored as
  "unknown", so the score covers them poorly.
* ``distribution-shift``: adversarial validation. A classifier tries to tell training rows from
  test rows; a random split gives ROC-AUC ≈ 0.5, a high score means test differs from training
  (typical with ``--time`` or ``--group``), and the one-column scores say which features drive it.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from trainguard.data.schema import Role, Schema, as_category_labels
from trainguard.data.target import Target
from trainguard.diagnose.data_checks import _row_hashes
from trainguard.diagnose.dominance import skill
from trainguard.diagnose.univariate import bin_codes, fold_ids, numeric_values, score_codes, score_held_out
from trainguard.findings import Finding, Severity, plain, shown
from trainguard.split.splitter import PART_LABELS, Split

#: Held-out rows copied from training above this share are a warning (when copies are unlikely
#: by chance, i.e. most feature rows in the data are distinct).
DUPLICATE_WARN = 0.01
#: Significant digits kept when looking for near-duplicates.
NEAR_DIGITS = 4
#: Unseen-category rows above this share of a held-out part are a warning.
UNSEEN_WARN = 0.05
#: Adversarial ROC-AUC from which the shift is a note, or a warning.
SHIFT_INFO = 0.65
SHIFT_WARN = 0.8
#: Fewer test rows than this make adversarial validation noise.
SHIFT_MIN_ROWS = 50
SHIFT_MAX_ROWS = 3000
DRIVER_AUC = 0.6
#: Relation change: rows needed in validation and training, rows used at most, one-column skill
#: on training rows worth following, and how much of it must be lost on validation rows.
RELATION_MIN_ROWS = 200
RELATION_MAX_ROWS = 5000
RELATION_MIN_SKILL = 0.3
RELATION_DROP = 0.2
RELATION_KEPT = 0.5
MAX_EXAMPLES = 5


def _held_out(split: Split) -> dict[str, np.ndarray]:
    return {name: getattr(split, name) for name in ("val", "test") if len(getattr(split, name))}


def _rounded(frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    out: dict[str, Any] = {}
    for name in schema.feature_names:
        spec = schema[name]
        numbers = numeric_values(frame[name], spec.role)
        if numbers is not None:
            with np.errstate(all="ignore"):
                finite = np.isfinite(numbers) & (numbers != 0)
                scale = np.ones_like(numbers)
                scale[finite] = 10.0 ** (np.floor(np.log10(np.abs(numbers[finite]))) - NEAR_DIGITS + 1)
                out[name] = np.where(finite, np.round(numbers / scale) * scale, numbers)
        else:
            out[name] = frame[name].astype("string").str.strip().str.lower()
    return pd.DataFrame(out, index=frame.index)


def check_train_test_duplicates(frame: pd.DataFrame, schema: Schema, split: Split) -> list[Finding]:
    """Rows in validation/test whose features equal a training row's (exactly, or after rounding
    numbers to 4 significant digits and ignoring case and spaces in text)."""
    features = schema.feature_names
    exact = _row_hashes(frame, features).to_numpy()
    near = _row_hashes(_rounded(frame, schema), features).to_numpy()
    # Hash-table membership (pandas) rather than sorting: linear in the rows.
    train_exact, train_near = pd.unique(exact[split.train]), pd.unique(near[split.train])
    evidence: dict[str, Any] = {}
    worst = 0.0
    for part, rows in _held_out(split).items():
        is_exact = pd.Series(exact[rows]).isin(train_exact).to_numpy()
        is_near = pd.Series(near[rows]).isin(train_near).to_numpy() & ~is_exact
        if is_exact.any() or is_near.any():
            evidence[part] = {"rows": int(len(rows)), "exact": int(is_exact.sum()),
                              "near": int(is_near.sum()),
                              "example_rows": rows[is_exact | is_near][:3].tolist()}
            worst = max(worst, float((is_exact | is_near).mean()))
    if not evidence:
        return []
    distinct = len(np.unique(exact)) / len(exact)
    evidence["distinct_feature_rows_share"] = round(distinct, 4)
    severity = Severity.WARNING if worst >= DUPLICATE_WARN and distinct >= 0.5 else Severity.INFO
    parts = "; ".join(f"{PART_LABELS[p]}: {e['exact']} exact and {e['near']} near copies of "
                      f"{e['rows']} rows" for p, e in evidence.items() if isinstance(e, dict))
    return [Finding(
        "train-test-duplicates", severity,
        f"held-out rows repeat training rows ({parts}), so their scores partly measure memory",
        "remove duplicate rows before training, or keep related rows together with --group COL",
        evidence,
    )]


def check_group_overlap(frame: pd.DataFrame, split: Split, group: str | None) -> list[Finding]:
    """A group (patient, customer) on both sides lets the model recognise it instead of learning."""
    if not group:
        return []
    codes = frame[group].astype(str).to_numpy()
    train = set(codes[split.train])
    shared = {p: sorted(set(codes[r]) & train) for p, r in _held_out(split).items()}
    shared = {p: g for p, g in shared.items() if g}
    if not shared:
        return []
    n = sum(len(g) for g in shared.values())
    return [Finding(
        "group-overlap", Severity.ERROR,
        f"{n} value(s) of group column {group!r} appear in training and in held-out rows "
        f"(e.g. {shown(next(iter(shared.values()))[:3])})",
        f"split with --group {group} so each group stays on one side",
        {"column": group, "shared": {p: {"groups": len(g), "examples": g[:5]} for p, g in shared.items()}},
    )]


def check_time_overlap(times: pd.Series | None, split: Split, time: str | None) -> list[Finding]:
    """With a time split, a test row older than a training row means the model saw the future."""
    if times is None or not time:
        return []
    values = pd.Series(times).reset_index(drop=True)
    latest_train = values.iloc[split.train].max()
    late = {}
    for part, rows in _held_out(split).items():
        earlier = int((values.iloc[rows] <= latest_train).sum())
        if earlier:
            late[part] = earlier
    if not late:
        return []
    return [Finding(
        "time-overlap", Severity.ERROR,
        f"held-out rows are not later than every training row in {time!r}: "
        + ", ".join(f"{PART_LABELS[p]} {k} rows" for p, k in late.items()),
        f"split with --time {time} so training rows precede validation and test",
        {"column": time, "latest_train": plain(latest_train), "rows_not_later": late},
    )]


def check_unseen_categories(frame: pd.DataFrame, schema: Schema, split: Split) -> list[Finding]:
    """Categories only in validation/test are encoded as 'unknown': the model has nothing for them."""
    found: dict[str, dict[str, Any]] = {}
    worst = 0.0
    for name in schema.by_role(Role.CATEGORICAL):
        labels = as_category_labels(frame[name])
        known = set(labels.iloc[split.train].dropna())
        for part, rows in _held_out(split).items():
            held = labels.iloc[rows].dropna()
            unseen = held[~held.isin(known)]
            if len(unseen):
                share = len(unseen) / len(rows)
                worst = max(worst, share)
                found.setdefault(name, {})[part] = {
                    "rows": int(len(unseen)), "share": round(share, 4),
                    "examples": unseen.value_counts().head(3).index.tolist()}
    if not found:
        return []
    return [Finding(
        "unseen-categories", Severity.WARNING if worst >= UNSEEN_WARN else Severity.INFO,
        f"{len(found)} categorical column(s) have values in validation/test never seen in training: "
        + ", ".join(f"{c!r} ({sum(p['rows'] for p in v.values())} rows, e.g. "
                    f"{shown(next(iter(v.values()))['examples'][:2])})" for c, v in list(found.items())[:5]),
        "rare values are scored as 'unknown'; merge rare categories or collect more rows of them",
        {"columns": found},
    )]


def _adversarial_matrix(frame: pd.DataFrame, schema: Schema, columns: list[str]) -> np.ndarray:
    out = []
    for name in columns:
        spec = schema[name]
        numbers = numeric_values(frame[name], spec.role)
        if numbers is None:
            codes, _ = pd.factorize(as_category_labels(frame[name]))
            numbers = np.where(codes < 0, np.nan, codes).astype(float)
        out.append(np.nan_to_num(numbers, nan=np.nan, posinf=np.nan, neginf=np.nan))
    return np.column_stack(out)


def check_distribution_shift(frame: pd.DataFrame, schema: Schema, split: Split, *,
                             time: str | None = None, seed: int = 0) -> list[Finding]:
    """Adversarial validation between training and test rows (dates excluded: with a time split
    they separate the parts by construction)."""
    if len(split.test) < SHIFT_MIN_ROWS or len(split.train) < SHIFT_MIN_ROWS:
        return []
    columns = [c for c in schema.feature_names
               if schema[c].role not in (Role.DATETIME, Role.TEXT) and c != time]
    if not columns:
        return []
    rng = np.random.default_rng(seed)
    n_each = SHIFT_MAX_ROWS // 2
    train = rng.choice(split.train, min(len(split.train), n_each), replace=False)
    test = rng.choice(split.test, min(len(split.test), n_each), replace=False)
    rows = np.concatenate([train, test])
    label = np.r_[np.zeros(len(train), dtype=np.int64), np.ones(len(test), dtype=np.int64)]
    sample = frame.iloc[rows].reset_index(drop=True)
    X = _adversarial_matrix(sample, schema, columns)
    model = HistGradientBoostingClassifier(max_iter=60, max_depth=4, learning_rate=0.1,
                                           random_state=seed)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    # One thread: the sample is small, and OpenMP threads competing with other work (parallel
    # tests, a user's other jobs) cost far more than they save here.
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="openmp"):
        warnings.simplefilter("ignore")
        proba = cross_val_predict(model, X, label, cv=folds, method="predict_proba")[:, 1]
    auc = float(roc_auc_score(label, proba))
    if auc < SHIFT_INFO:
        return []
    fold_of = np.empty(len(label), dtype=np.int64)
    for k, (_, held) in enumerate(folds.split(X, label)):
        fold_of[held] = k
    drivers = {}
    for name in columns:
        codes, n_bins = bin_codes(sample[name], schema[name].role)
        if n_bins >= 2:
            score = score_codes(codes, n_bins, label, True, fold_of, 2)
            if score >= DRIVER_AUC:
                drivers[name] = round(score, 4)
    drivers = dict(sorted(drivers.items(), key=lambda t: -t[1])[:5])
    severity = Severity.WARNING if auc >= SHIFT_WARN else Severity.INFO
    named = ", ".join(f"{c!r} ({a:.2f})" for c, a in drivers.items()) or "no single column"
    return [Finding(
        "distribution-shift", severity,
        f"a classifier tells training rows from test rows with ROC-AUC {auc:.2f} (0.5 = "
        f"indistinguishable); driven most by {named}",
        "expected with --time or --group if the future or new groups differ: the test score is "
        "then honest for that; otherwise check how the rows were collected, and consider "
        "dropping a driver that only marks the batch",
        {"roc_auc": round(auc, 4), "train_rows_used": int(len(train)),
         "test_rows_used": int(len(test)), "drivers_one_column_auc": drivers},
    )]


def check_unseen_classes(target: Target, split: Split) -> list[Finding]:
    """Classes in validation/test that training never saw: the model cannot predict them, so
    every such row is an error and per-class scores are undefined (deepchecks' new label)."""
    if target.task == "regression":
        return []
    labels = target.values.reset_index(drop=True)
    known = set(labels.iloc[split.train])
    missing: dict[str, dict[str, Any]] = {}
    for part, rows in _held_out(split).items():
        held = labels.iloc[rows]
        unseen = held[~held.isin(known)].value_counts()
        if len(unseen):
            missing[part] = {"rows": int(unseen.sum()),
                             "classes": {str(plain(k)): int(v) for k, v in unseen.items()}}
    if not missing:
        return []
    classes = sorted({c for info in missing.values() for c in info["classes"]})
    return [Finding(
        "unseen-classes", Severity.WARNING,
        f"{len(classes)} class(es) of {target.name!r} appear in held-out rows but in no training row: "
        + "; ".join(f"{PART_LABELS[p]}: {shown(list(i['classes'])[:MAX_EXAMPLES])} ({i['rows']} rows)"
                    for p, i in missing.items())
        + "; the model can never predict them",
        "with --group or --time some classes may exist only in later periods or some groups: "
        "collect training rows of those classes, merge them into a broader class, or drop those rows",
        {"target": target.name, **missing},
    )]


def check_relation_change(frame: pd.DataFrame, target: Target, schema: Schema, split: Split, *,
                          seed: int = 0) -> list[Finding]:
    """A column whose relation to the target on validation rows is much weaker than on training
    rows (deepchecks' feature-label correlation change): what the model learns from it will not
    hold. One-column histogram models, out-of-fold on training rows, fit on training rows and
    scored on validation rows. Only validation rows are read: test labels stay sealed until the
    one final evaluation."""
    val = split.val
    if len(val) < RELATION_MIN_ROWS or len(split.train) < RELATION_MIN_ROWS:
        return []
    classification = target.task != "regression"
    rng = np.random.default_rng(seed)
    train = np.sort(rng.choice(split.train, min(len(split.train), RELATION_MAX_ROWS), replace=False))
    val = np.sort(rng.choice(val, min(len(val), RELATION_MAX_ROWS), replace=False))
    labels = target.values.reset_index(drop=True)
    rows = np.concatenate([train, val])
    if classification:
        codes_y, classes = pd.factorize(labels.iloc[rows], sort=True)
        if len(classes) < 2 or np.bincount(codes_y[len(train):], minlength=len(classes)).min() < 10:
            return []
        y = codes_y.astype(np.int64)
    else:
        y = labels.iloc[rows].to_numpy(dtype=float)
    n_classes = len(classes) if classification else 0
    in_train = np.arange(len(rows)) < len(train)
    folds = fold_ids(len(train), seed, y[in_train] if classification else None)
    halves = np.where(in_train, 0, 1)  # fit on training rows, score validation rows
    sample = frame.iloc[rows].reset_index(drop=True)
    changed: dict[str, dict[str, float]] = {}
    for name in schema.feature_names:
        if schema[name].role == Role.TEXT:
            continue
        codes, n_bins = bin_codes(sample[name], schema[name].role)
        if n_bins < 2:
            continue
        before = skill(score_codes(codes[in_train], n_bins, y[in_train], classification, folds, n_classes),
                        classification)
        if before < RELATION_MIN_SKILL:
            continue
        after = skill(score_held_out(codes, n_bins, y, classification, halves, n_classes), classification)
        if before - after >= RELATION_DROP and after <= RELATION_KEPT * before:
            changed[name] = {"skill_train": round(before, 4), "skill_validation": round(after, 4)}
    if not changed:
        return []
    return [Finding(
        "relation-change", Severity.WARNING,
        f"{len(changed)} column(s) predict {target.name!r} much less well on validation rows than "
        "on training rows (one-column skill, 0 = chance, 1 = perfect): "
        + ", ".join(f"{c!r} ({v['skill_train']:.2f} on training, {v['skill_validation']:.2f} on "
                    f"validation)" for c, v in list(changed.items())[:MAX_EXAMPLES]),
        "the relation the model learns from them does not hold on new rows: check whether the "
        "column was recorded differently over time or across sources; with a random split this "
        "often means the column was filled in (or corrected) only for some rows; drop it "
        f"(--drop {','.join(changed)}) if it cannot be fixed",
        {"columns": changed, "train_rows_used": int(len(train)), "validation_rows_used": int(len(val))},
    )]


def check_split_labels(frame: pd.DataFrame, target: Target, schema: Schema, split: Split, *,
                       seed: int = 0) -> list[Finding]:
    """The after-split checks that need the target (training and validation labels only)."""
    frame = frame.reset_index(drop=True)
    return check_unseen_classes(target, split) + check_relation_change(frame, target, schema, split,
                                                                       seed=seed)


def check_split(frame: pd.DataFrame, schema: Schema, split: Split, *, group: str | None = None,
                time: str | None = None, times: pd.Series | None = None,
                seed: int = 0) -> list[Finding]:
    """Every after-split check; ``frame`` rows are the positions ``split`` refers to."""
    frame = frame.reset_index(drop=True)
    return (check_train_test_duplicates(frame, schema, split)
            + check_group_overlap(frame, split, group)
            + check_time_overlap(times, split, time)
            + check_unseen_categories(frame, schema, split)
            + check_distribution_shift(frame, schema, split, time=time, seed=seed))
