"""Checks on the data alone, before the split: what is in the file and what it will do to a model.

Each check is a small function ``(context) -> list[Finding]``. None of them fits anything, and none
of them refuses the data: they report, with numbers, and say what to do. Severities are kept
honest: ``warning`` means "this probably hurts the result, look at it", ``info`` means "worth
knowing, trainguard already handles it". A clean real dataset should raise nothing above info.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trainguard.data.schema import MIN_ROWS_FOR_ID, Role, Schema
from trainguard.data.target import Target
from trainguard.findings import Finding, Severity, plain, shown

#: A column missing on at least this share of rows is worth a warning, not just a note.
MOSTLY_MISSING = 0.5
#: Share of rows holding the most common value above which a column is near-constant.
NEAR_CONSTANT = 0.99
NEAR_CONSTANT_MIN_ROWS = 100
#: Rows sampled to rule columns out before counting every value (tables above 5x this).
PRESCREEN_ROWS = 10_000
PRESCREEN_SHARE = 0.95
#: Duplicate rows above this share are a warning.
DUPLICATE_WARN = 0.05
#: Rows with conflicting labels above this share are a warning (when features are rich).
CONFLICT_WARN = 0.01
#: Smallest / largest class count below which imbalance is a warning, or a note.
IMBALANCE_WARN = 0.1
IMBALANCE_INFO = 0.25
#: Classes with fewer rows than this leave one or two rows in validation and test.
SMALL_CLASS = 10
#: Categorical columns with more distinct values than this are high-cardinality.
HIGH_CARDINALITY = 100
#: Categorical columns with more labels than this are not checked for spelling variants.
MAX_SPELLING_LABELS = HIGH_CARDINALITY
_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])[\s._\-/]+(?=[^\W\d_])")
_LOOSE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SPELLING_NOISE = re.compile(r"[\s_,;:'\"()\[\]]+")
#: Numeric spreads differing by this factor or more are noted.
SCALE_RATIO = 1e3
MAX_LISTED = 5

#: Share of rows with distinct values from which a repeating key counts as one per entity.
KEY_MIN_DISTINCT = 0.2
#: Distinct values from which a dense, repeating whole-number column is a key even when its rows
#: are not stored in blocks.
KEY_MIN_VALUES = 100
#: Repeats (rows beyond the first of each key) on this share of rows make a key "repeating";
#: fewer are a per-row identifier with a stray copy.
KEY_MIN_REPEATS = 0.01
#: A distinct whole number per row spanning at most this many times the row count is a counter
#: (gaps from removed rows included).
COUNTER_GAPS = 2.0
_PREFIXED_CODE = re.compile(r"^[A-Za-z]{1,6}[-_]?\d{3,}$")
_HASH = re.compile(r"^(?:[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                   r"[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}|[A-Za-z0-9+/_-]{20,}={0,2})$")


@dataclass
class DataContext:
    frame: pd.DataFrame
    target: Target
    schema: Schema
    time: str | None = None

    @property
    def features(self) -> list[str]:
        return self.schema.feature_names

    @property
    def classification(self) -> bool:
        return self.target.task != "regression"


def _listing(items: dict[str, Any], fmt: Callable[[str, Any], str]) -> str:
    names = list(items)
    text = ", ".join(fmt(n, items[n]) for n in names[:MAX_LISTED])
    if len(names) > MAX_LISTED:
        text += f" and {len(names) - MAX_LISTED} more"
    return text


def check_missing_values(ctx: DataContext) -> list[Finding]:
    """Missing values are imputed inside the pipeline, but a mostly-empty column carries little
    signal and often means a join or an export went wrong."""
    n = len(ctx.frame)
    counts = {c: int(ctx.frame[c].isna().sum()) for c in ctx.features}
    counts = dict(sorted(((c, k) for c, k in counts.items() if k), key=lambda t: -t[1]))
    if not counts:
        return []
    worst = max(counts.values()) / n
    mostly = [c for c, k in counts.items() if k / n >= MOSTLY_MISSING]
    severity = Severity.WARNING if mostly else Severity.INFO
    message = (f"{len(counts)} feature column(s) have missing values: "
               + _listing(counts, lambda c, k: f"{c!r} {k} ({k / n:.1%})"))
    fix = ("missing values are imputed inside the pipeline (fit on training rows); "
           + (f"consider dropping mostly-empty columns with --drop {','.join(mostly)}" if mostly
              else "nothing to do unless blanks mean something specific"))
    return [Finding("missing-values", severity, message, fix,
                    {"rows": n, "missing": counts, "worst_share": round(worst, 4),
                     "mostly_missing": mostly})]


def check_infinite_values(ctx: DataContext) -> list[Finding]:
    """±Inf is not a number a model can use; it usually comes from a division by zero upstream."""
    counts: dict[str, dict[str, int]] = {}
    for name in ctx.schema.by_role(Role.NUMERIC):
        values = pd.to_numeric(ctx.frame[name], errors="coerce").to_numpy(dtype=float)
        pos, neg = int(np.isposinf(values).sum()), int(np.isneginf(values).sum())
        if pos or neg:
            counts[name] = {"inf": pos, "-inf": neg}
    if not counts:
        return []
    return [Finding(
        "infinite-values", Severity.WARNING,
        f"{len(counts)} numeric column(s) hold inf or -inf: "
        + _listing(counts, lambda c, k: f"{c!r} ({k['inf'] + k['-inf']} rows)"),
        "replace them at the source (often a division by zero), or blank them so they are imputed",
        {"columns": counts},
    )]


def check_constant_columns(ctx: DataContext) -> list[Finding]:
    """A column with one value teaches nothing; one that is almost always the same value teaches
    little and may vanish from a validation fold entirely."""
    findings = []
    n = len(ctx.frame)
    constant, near = {}, {}
    # On large tables a sample rules out most columns first: a column at >= 99% one value has
    # far above 95% of it in 10,000 sampled rows (binomial sd 0.1%).
    sample = ctx.frame.sample(PRESCREEN_ROWS, random_state=0) if n > 5 * PRESCREEN_ROWS else None
    for name in ctx.features:
        values = ctx.frame[name]
        if sample is not None:
            top = sample[name].value_counts(dropna=False, normalize=True)
            if len(top) > 1 and top.iloc[0] < PRESCREEN_SHARE:
                continue
        counts = values.value_counts(dropna=False)
        if len(counts) <= 1 or values.nunique(dropna=True) == 0:
            constant[name] = plain(counts.index[0]) if len(counts) else None
        elif n >= NEAR_CONSTANT_MIN_ROWS and counts.iloc[0] / n >= NEAR_CONSTANT:
            near[name] = {"value": plain(counts.index[0]), "share": round(float(counts.iloc[0] / n), 4)}
    if constant:
        findings.append(Finding(
            "constant-column", Severity.WARNING,
            f"{len(constant)} column(s) hold a single value in every row: "
            + _listing(constant, lambda c, v: f"{c!r} (= {shown(v)})"),
            f"drop them with --drop {','.join(constant)}; check the export if they should vary",
            {"columns": constant},
        ))
    if near:
        findings.append(Finding(
            "near-constant-column", Severity.INFO,
            f"{len(near)} column(s) hold the same value in at least {NEAR_CONSTANT:.0%} of rows: "
            + _listing(near, lambda c, v: f"{c!r} ({v['share']:.1%} {shown(v['value'])})"),
            "fine if the rare values matter (a rare flag); otherwise they add little",
            {"columns": near},
        ))
    return findings


def id_shape(values: pd.Series, n_rows: int) -> str | None:
    """What makes a column look like a key, from its values alone, or None.

    A row counter (distinct whole numbers from a consecutive range), hash/UUID-like codes, or
    codes with a letter prefix and a number (``P00123``). Keys may repeat (several rows per
    entity): then at least :data:`KEY_MIN_DISTINCT` of the rows hold distinct values and whole
    numbers must fill their range densely, which measurements and counts rarely do."""
    present = values.dropna()
    if len(present) < 0.95 * n_rows or len(present) < MIN_ROWS_FOR_ID:
        return None
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = present.to_numpy(dtype=float)
        if not (np.all(np.isfinite(numbers)) and np.all(np.mod(numbers, 1) == 0)):
            return None
        distinct = len(np.unique(numbers))
        spread = numbers.max() - numbers.min() + 1
        dense = spread <= 1.1 * distinct
        if distinct == len(numbers) and spread <= COUNTER_GAPS * distinct:
            return ("a distinct whole number on every row, from a consecutive range (a row "
                    "counter" + (")" if dense else ", with gaps where rows were removed)"))
        # A repeating key: dense whole numbers on many rows each with a few, and either stored in
        # blocks (non-decreasing in file order: an entity's rows together) or too many distinct
        # values for a small-range measurement (a temperature, a day of the month).
        blocks = present.is_monotonic_increasing
        if dense and distinct >= KEY_MIN_DISTINCT * len(numbers) and (
                (blocks and distinct >= MIN_ROWS_FOR_ID) or distinct >= KEY_MIN_VALUES):
            return ("whole numbers filling a consecutive range, each on a few rows"
                    + (", stored in blocks" if blocks else "") + " (an entity key)")
        return None
    if isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(values) \
            or pd.api.types.is_string_dtype(values):
        text = present.astype(str)
        distinct = text.nunique()
        if distinct < KEY_MIN_DISTINCT * len(text) or distinct < MIN_ROWS_FOR_ID:
            return None
        sample = pd.Series(text.unique()[:2000])
        if sample.str.match(_HASH).mean() >= 0.95:
            return "distinct hash- or UUID-like codes" if distinct >= 0.9 * len(text) \
                else "hash- or UUID-like codes, each on a few rows (an entity key)"
        if sample.str.match(_PREFIXED_CODE).mean() >= 0.95:
            return "codes made of a letter prefix and a number (an entity key)"
    return None


def check_id_like_columns(ctx: DataContext) -> list[Finding]:
    """A per-row key used as a feature lets a model memorise rows; a shuffled counter also leaks
    collection order; a key that repeats (several rows per patient or customer) lets rows of one
    entity sit on both sides of the split. Columns already treated as identifiers (``--id``,
    ``--group``, or unique keys found by the schema) are not features and are skipped."""
    n = len(ctx.frame)
    if n < MIN_ROWS_FOR_ID:
        return []
    found: dict[str, str] = {}
    repeats: dict[str, dict[str, Any]] = {}
    whole_row = None
    for name in ctx.features:
        why = id_shape(ctx.frame[name], n)
        if why is None:
            continue
        found[name] = why
        key = ctx.frame[name]
        repeated = key.duplicated(keep=False) & key.notna()
        if int(repeated.sum()) - key[repeated].nunique() >= max(2, KEY_MIN_REPEATS * n):
            if whole_row is None:
                whole_row = _row_hashes(ctx.frame.assign(__target__=ctx.target.values.to_numpy()),
                                        [*ctx.frame.columns, "__target__"])
            pairs = pd.DataFrame({"k": key.to_numpy(), "r": whole_row.to_numpy()})[repeated.to_numpy()]
            copies = int(pairs.duplicated().sum())  # rows equal to an earlier row of the same key
            extra = int(repeated.sum() - key[repeated].nunique())
            repeats[name] = {"distinct": int(key.nunique()), "rows_with_repeated_key": int(repeated.sum()),
                             "repeats": extra, "whole_row_copies": copies,
                             "examples": [plain(v) for v in key[repeated].unique()[:3]]}
    if not found:
        return []
    findings = []
    unique = {c: w for c, w in found.items() if c not in repeats}
    if unique:
        findings.append(Finding(
            "id-like-column", Severity.WARNING,
            f"{len(unique)} feature column(s) look like identifiers: "
            + _listing(unique, lambda c, why: f"{c!r} ({why})"),
            f"mark them with --id {','.join(unique)} (kept for output, not learned from), or --drop them",
            {"columns": unique},
        ))
    for name, info in repeats.items():
        copies, extra = info["whole_row_copies"], info["repeats"]
        if copies >= extra:
            how = f"all {extra} repeats are whole-row copies (every column and the target equal)"
            fix = (f"remove the duplicate rows before training; keep one entity on one side with "
                   f"--group {name}, or mark the key with --id {name}")
        else:
            how = (f"{extra - copies} of the {extra} repeats are different rows of the same entity"
                   + (f" and {copies} are whole-row copies" if copies else "")
                   )
            fix = (f"split with --group {name} so each entity's rows stay on one side (the key is "
                   f"then not used as a feature); or mark it with --id {name}")
        findings.append(Finding(
            "repeated-entity-key", Severity.WARNING,
            f"column {name!r} looks like an entity key ({found[name]}) and repeats: "
            f"{info['distinct']} values on {n} rows, e.g. {shown(info['examples'][:2])}; {how}. "
            "A random split puts rows of one entity on both sides, so the test score measures "
            "recognising the entity",
            fix, {"column": name, "shape": found[name], "rows": n, **info},
        ))
    return findings


def _row_hashes(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One hash per row over ``columns``; equal rows (missing values included) hash equal."""
    return pd.util.hash_pandas_object(frame[columns], index=False)


def check_duplicates(ctx: DataContext) -> list[Finding]:
    """Duplicate rows count twice in training and may land on both sides of the split, which
    inflates the test score; identical features with different labels cap what any model can
    reach and often mean label noise or a missing feature."""
    findings = []
    n = len(ctx.frame)
    features = ctx.features
    key = _row_hashes(ctx.frame, features)
    full = pd.util.hash_pandas_object(pd.DataFrame({"k": key, "y": ctx.target.values.astype(str)}),
                                      index=False)
    dup_rows = int(full.duplicated().sum())
    if dup_rows:
        share = dup_rows / n
        examples = np.flatnonzero(full.duplicated(keep=False).to_numpy())[:4].tolist()
        findings.append(Finding(
            "duplicate-rows", Severity.WARNING if share >= DUPLICATE_WARN else Severity.INFO,
            f"{dup_rows} row(s) ({share:.1%}) repeat an earlier row exactly (features and target)",
            "remove accidental duplicates before training; if repeats are real (the same event "
            "twice), keep them, and use --group if rows belong to the same entity",
            {"duplicate_rows": dup_rows, "share": round(share, 4), "example_rows": examples},
        ))
    if ctx.classification:
        labels = pd.DataFrame({"k": key.to_numpy(), "y": ctx.target.values.astype(str).to_numpy()})
        per_key = labels.groupby("k")["y"].nunique()
        bad = per_key.index[per_key > 1]
        if len(bad):
            rows = labels["k"].isin(set(bad)).to_numpy()
            n_rows = int(rows.sum())
            share = n_rows / n
            rich = key.nunique() >= 0.5 * n  # few distinct feature rows: clashes are expected
            severity = Severity.WARNING if rich and share >= CONFLICT_WARN else Severity.INFO
            findings.append(Finding(
                "conflicting-labels", severity,
                f"{n_rows} row(s) ({share:.1%}) in {len(bad)} group(s) have identical features "
                f"but different values of {ctx.target.name!r}",
                "check those rows for label errors; if both labels are real, a feature that tells "
                "them apart is missing",
                {"rows": n_rows, "groups": int(len(bad)), "share": round(share, 4),
                 "example_rows": np.flatnonzero(rows)[:4].tolist()},
            ))
    return findings


def check_mixed_types(ctx: DataContext) -> list[Finding]:
    """A mostly-numeric column with a few text values ("?", "n/a") is read as categories, so the
    numbers lose their order; the text is usually a missing-value marker."""
    found: dict[str, dict[str, Any]] = {}
    for name in ctx.features:
        values = ctx.frame[name]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        present = values.dropna()
        if present.empty:
            continue
        counts = present.astype(str).str.strip().value_counts()  # parse each distinct value once
        numeric = pd.to_numeric(pd.Series(counts.index), errors="coerce").notna().to_numpy()
        share = float(counts[numeric].sum() / counts.sum())
        if 0.5 <= share < 1.0:
            bad = counts[~numeric]
            found[name] = {"numeric_share": round(share, 4), "text_rows": int(bad.sum()),
                           "examples": [plain(v) for v in bad.index[:3]]}
    if not found:
        return []
    return [Finding(
        "mixed-types", Severity.WARNING,
        f"{len(found)} column(s) mix numbers and text, so they are read as categories: "
        + _listing(found, lambda c, v: f"{c!r} ({v['text_rows']} text values, e.g. {shown(v['examples'])})"),
        "if the text marks missing values, blank it (or read the file with that marker as NA) so "
        "the column is numeric",
        {"columns": found},
    )]


def check_classes(ctx: DataContext) -> list[Finding]:
    """Imbalance makes accuracy misleading; classes with a handful of rows leave one or two rows
    in validation and test, so their scores are noise."""
    if not ctx.classification:
        return []
    counts = ctx.target.values.value_counts()
    findings = []
    ratio = counts.min() / counts.max()
    evidence = {"counts": {str(plain(k)): int(v) for k, v in counts.items()},
                "smallest_to_largest": round(float(ratio), 4)}
    if ratio < IMBALANCE_INFO:
        findings.append(Finding(
            "class-imbalance", Severity.WARNING if ratio < IMBALANCE_WARN else Severity.INFO,
            f"classes of {ctx.target.name!r} are imbalanced: smallest {shown(counts.index[-1])} has "
            f"{counts.min()} rows, largest {shown(counts.index[0])} has {counts.max()} "
            f"(ratio {ratio:.3f})",
            "the split is stratified; judge models by PR-AUC or balanced accuracy "
            "(--metric pr_auc / balanced_accuracy), not accuracy; consider class weights",
            evidence,
        ))
    small = counts[counts < SMALL_CLASS]
    if len(small):
        findings.append(Finding(
            "small-class", Severity.WARNING,
            f"{len(small)} class(es) of {ctx.target.name!r} have fewer than {SMALL_CLASS} rows: "
            + ", ".join(f"{shown(k)} ({v})" for k, v in list(small.items())[:MAX_LISTED])
            + "; validation and test get only one or two of them",
            "collect more rows of those classes, or merge rare classes into one",
            {"classes": {str(plain(k)): int(v) for k, v in small.items()}},
        ))
    return findings


def check_high_cardinality(ctx: DataContext) -> list[Finding]:
    """Categorical columns with hundreds of values spread the signal thin; one with nearly a
    value per row behaves like an identifier."""
    n = len(ctx.frame)
    found = {}
    for name in ctx.schema.by_role(Role.CATEGORICAL):
        k = int(ctx.frame[name].nunique(dropna=True))
        if k > HIGH_CARDINALITY or (n >= MIN_ROWS_FOR_ID and k > 0.5 * n):
            found[name] = k
    if not found:
        return []
    severe = [c for c, k in found.items() if k > 0.5 * n]
    return [Finding(
        "high-cardinality", Severity.WARNING if severe else Severity.INFO,
        f"{len(found)} categorical column(s) have many distinct values: "
        + _listing(found, lambda c, k: f"{c!r} ({k} values in {n} rows)"),
        ("rare values are grouped by the encoder; "
         + (f"columns with nearly one value per row ({', '.join(severe)}) act like identifiers: "
            f"--id or --drop them" if severe else "consider grouping values by meaning")),
        {"columns": found, "rows": n},
    )]


def spelling_key(value: str) -> str:
    """What is left of a label once case, spaces and separating punctuation are ignored:
    ``"Face to Face"``, ``"face-to-face"`` and ``"Oxford Univ. Press"``/``"Oxford Univ Press"``
    collide; signs and comparisons that change the meaning (``PD+``/``PD-``, ``<6m``/``>6m``,
    ``0.1``/``-0.1``, ``1.5``/``15``) do not."""
    text = _BETWEEN_LETTERS.sub("", str(value).casefold().strip())
    text = _LOOSE_DOT.sub("", text)
    return _SPELLING_NOISE.sub("", text)


def spelling_variants(labels: pd.Series) -> list[dict[str, int]]:
    """Groups of distinct labels that differ only in case, spaces or punctuation, each as
    ``{label: rows}`` with the most common spelling first."""
    counts = labels.dropna().astype(str).value_counts()
    keyed: dict[str, dict[str, int]] = {}
    for label, k in counts.items():
        key = spelling_key(label)
        if key:
            keyed.setdefault(key, {})[label] = int(k)
    return [group for group in keyed.values() if len(group) > 1]


def check_category_spellings(ctx: DataContext) -> list[Finding]:
    """``"Male"``, ``"male "`` and ``"MALE"`` are three categories to an encoder: the rows of one
    value are split, and a spelling seen only in test is "unknown" (deepchecks' string
    mismatch). Columns with more than :data:`MAX_SPELLING_LABELS` labels are skipped (free
    text and keys, not categories)."""
    found: dict[str, list[dict[str, int]]] = {}
    for name in ctx.schema.by_role(Role.CATEGORICAL):
        if name not in ctx.features or ctx.frame[name].nunique() > MAX_SPELLING_LABELS:
            continue
        groups = spelling_variants(ctx.frame[name])
        if groups:
            found[name] = groups
    if not found:
        return []
    rows = sum(sum(list(g.values())[1:]) for groups in found.values() for g in groups)
    return [Finding(
        "category-spellings", Severity.WARNING,
        f"{len(found)} categorical column(s) spell the same value in different ways (case, spaces "
        "or punctuation), so each spelling is a separate category: "
        + _listing(found, lambda c, groups: f"{c!r} ({' / '.join(shown(v) for v in groups[0])}"
                   + (f" and {len(groups) - 1} more" if len(groups) > 1 else "") + ")"),
        "normalise the labels at the source (one spelling per value, e.g. strip and lower-case "
        "them) before training; if the spellings really are different values, rename them",
        {"columns": {c: groups[:MAX_LISTED] for c, groups in found.items()},
         "rows_in_minority_spellings": rows},
    )]


def check_dates(ctx: DataContext) -> list[Finding]:
    """With dates in the data a random split tests on the past as well as the future; if the model
    will predict future rows, a time-ordered split measures that honestly."""
    if ctx.time:
        return []
    dates = [c for c in ctx.schema.by_role(Role.DATETIME) if c in ctx.features]
    if not dates:
        return []
    return [Finding(
        "date-column", Severity.INFO,
        f"column(s) {', '.join(map(repr, dates))} hold dates, but rows are split at random",
        f"if the model will score future rows, split by time with --time {dates[0]}",
        {"columns": dates},
    )]


def check_scales(ctx: DataContext) -> list[Finding]:
    """Numbers on very different scales matter to linear models and networks; trainguard's
    pipelines scale them, so this is only a note for models trained elsewhere."""
    spreads = {}
    for name in ctx.schema.by_role(Role.NUMERIC):
        values = pd.to_numeric(ctx.frame[name], errors="coerce").to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if len(values) > 1:
            std = float(np.std(values))
            if std > 0:
                spreads[name] = std
    if len(spreads) < 2:
        return []
    small, large = min(spreads, key=spreads.__getitem__), max(spreads, key=spreads.__getitem__)
    ratio = spreads[large] / spreads[small]
    if ratio < SCALE_RATIO:
        return []
    return [Finding(
        "feature-scales", Severity.INFO,
        f"numeric columns differ in spread by a factor of {ratio:.3g} "
        f"({large!r} std {spreads[large]:.3g} vs {small!r} std {spreads[small]:.3g})",
        "nothing to do here: features are standardised inside the pipeline, fit on training rows",
        {"largest": {large: spreads[large]}, "smallest": {small: spreads[small]}, "ratio": ratio},
    )]


DATA_CHECKS: tuple[Callable[[DataContext], list[Finding]], ...] = (
    check_missing_values, check_infinite_values, check_constant_columns, check_id_like_columns,
    check_duplicates, check_mixed_types, check_classes, check_high_cardinality,
    check_category_spellings, check_dates, check_scales,
)


def check_data(frame: pd.DataFrame, target: Target, schema: Schema, *,
               time: str | None = None) -> list[Finding]:
    """Every before-split check on ``frame`` (rows with a target, aligned with ``target.values``)."""
    ctx = DataContext(frame.reset_index(drop=True), target, schema, time)
    findings: list[Finding] = []
    for check in DATA_CHECKS:
        findings += check(ctx)
    return findings
