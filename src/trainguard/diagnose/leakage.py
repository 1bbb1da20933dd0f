"""Target leakage suspects: a column that, on its own, gives the answer away.

A feature computed from the outcome (a refund amount for "churned", a diagnosis code for
"disease") or recorded after it makes the test score excellent and the deployed model useless,
because the column is not known yet when a prediction is needed. The evidence here is always
measured, never guessed from column names:

* ``target-copy``: the column is the target relabelled, or a monotone function of it.
* ``target-leak-feature``: the column alone predicts the target almost perfectly out-of-fold
  (ROC-AUC or R² of a one-column model >= the thresholds below).
* ``target-leak-missingness``: *whether the column is blank* predicts the target almost perfectly
  (a field filled in only after the outcome, such as a cancellation date).

Only TRAINING rows are used (at most :data:`MAX_ROWS` of them, sampled with the run's seed), so
the check never looks at validation or test rows. A strong but honest feature scores high but
rarely near-perfect out-of-fold; the thresholds are set so the bundled penguins data and
scikit-learn's breast cancer, wine and diabetes sets raise nothing (their best single feature,
breast cancer's "worst perimeter", reaches an out-of-fold ROC-AUC of 0.96). All findings are
errors: ``train`` stops unless the column is dropped (``--drop COL``) or the check is allowed
(``--allow ID``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trainguard.data.schema import Role, Schema
from trainguard.data.target import Target
from trainguard.diagnose.dominance import check_dominance
from trainguard.diagnose.univariate import bin_codes, fold_ids, numeric_values, score_codes
from trainguard.findings import Finding, Severity, plain

#: Out-of-fold ROC-AUC (classification) / R² (regression) of one column on its own at or above
#: which the column is a leakage suspect.
AUC_THRESHOLD = 0.99
R2_THRESHOLD = 0.98
#: Training rows used (sampled); more adds time, not evidence.
MAX_ROWS = 5000
#: Below this many training rows a near-perfect score is too easily luck.
MIN_ROWS = 50
#: Feature columns evaluated at most (in schema order); the rest are listed as unchecked.
MAX_FEATURES = 500
#: Missingness is only tested when both blank and filled rows are this common.
MIN_MISSING = 10
#: A column must be filled on this share of rows to count as a copy of the target.
COPY_COVERAGE = 0.95


def _fix(column: str, check_id: str) -> str:
    return (f"if {column!r} is not known at the time of prediction, drop it with --drop {column}; "
            f"if it is, keep it and pass --allow {check_id}")


def _examples(values: pd.Series, y: pd.Series, n: int = 3) -> list[dict[str, Any]]:
    rows = []
    for value, label in zip(values.head(n), y.head(n), strict=False):
        rows.append({"value": plain(value), "target": plain(label)})
    return rows


def _is_copy(values: pd.Series, role: Role, y: pd.Series, classification: bool) -> str | None:
    """How the column copies the target, or None."""
    present = values.notna().to_numpy()
    if present.mean() < COPY_COVERAGE or present.sum() < MIN_ROWS:
        return None
    if classification:
        x_codes, x_uniques = pd.factorize(values[present])
        y_codes, y_uniques = pd.factorize(y[present])
        if len(x_uniques) != len(y_uniques):
            return None
        pairs = np.unique(x_codes.astype(np.int64) * len(y_uniques) + y_codes)
        if len(pairs) == len(y_uniques):  # each value goes with one class and vice versa
            return "a one-to-one relabelling of the target"
        return None
    numbers = numeric_values(values, role)
    if numbers is None:
        return None
    ok = present & np.isfinite(numbers)
    x, t = numbers[ok], y.to_numpy(dtype=float)[ok]
    if np.unique(x).size < 3:
        return None
    if np.allclose(x, t, rtol=1e-6, atol=1e-9):
        return "equal to the target"
    rho = pd.Series(x).rank().corr(pd.Series(t).rank())
    if abs(rho) >= 0.9995:
        return f"(almost exactly) a monotone function of the target (rank correlation {rho:.4f})"
    return None


def check_leakage(frame: pd.DataFrame, target: Target, schema: Schema, train_rows: np.ndarray,
                  *, seed: int = 0, time: str | None = None) -> list[Finding]:
    """Leakage suspects among the feature columns, measured on training rows only: the
    near-perfect single-column errors here, then the signal-dominance warnings of
    :func:`~trainguard.diagnose.dominance.check_dominance` on the same rows and folds."""
    if len(train_rows) < MIN_ROWS:
        return []
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(train_rows, MAX_ROWS, replace=False)) if len(train_rows) > MAX_ROWS \
        else np.asarray(train_rows)
    data = frame.iloc[rows].reset_index(drop=True)
    y_raw = target.values.iloc[rows].reset_index(drop=True)
    classification = target.task != "regression"
    if classification:
        y_codes, classes = pd.factorize(y_raw, sort=True)
        n_classes = len(classes)
        if n_classes < 2:
            return []
        y = y_codes.astype(np.int64)
        folds = fold_ids(len(y), seed, y)
        metric, threshold = "roc_auc", AUC_THRESHOLD
    else:
        y = y_raw.to_numpy(dtype=float)
        n_classes = 0
        folds = fold_ids(len(y), seed)
        metric, threshold = "r2", R2_THRESHOLD

    findings: list[Finding] = []
    alone: dict[str, float] = {}
    specs = [s for s in schema.columns if s.is_feature and s.role != Role.TEXT][:MAX_FEATURES]
    base = {"target": target.name, "training_rows_used": int(len(rows)), "folds": int(folds.max() + 1)}
    for spec in specs:
        values = data[spec.name]
        copy = _is_copy(values, spec.role, y_raw, classification)
        if copy:
            findings.append(Finding(
                id="target-copy",
                severity=Severity.ERROR,
                message=f"column {spec.name!r} is {copy} ({target.name!r}) on the training rows",
                fix=_fix(spec.name, "target-copy"),
                evidence={**base, "column": spec.name, "relation": copy,
                          "examples": _examples(values, y_raw)},
            ))
            continue
        missing = values.isna().to_numpy()
        n_missing = int(missing.sum())
        if MIN_MISSING <= n_missing <= len(missing) - MIN_MISSING:
            score = score_codes(missing.astype(np.int64), 2, y, classification, folds, n_classes)
            if score >= threshold:
                blank = y_raw[missing].value_counts().head(3)
                findings.append(Finding(
                    id="target-leak-missingness",
                    severity=Severity.ERROR,
                    message=(f"whether column {spec.name!r} is blank predicts {target.name!r} almost "
                             f"perfectly on training rows (out-of-fold {metric} {score:.3f}): it is "
                             "probably filled in only after the outcome is known"),
                    fix=_fix(spec.name, "target-leak-missingness"),
                    evidence={**base, "column": spec.name, "metric": metric, "score": round(score, 4),
                              "threshold": threshold, "blank_rows": n_missing,
                              "target_when_blank": {str(plain(k)): int(v) for k, v in blank.items()}},
                ))
                continue
        codes, n_bins = bin_codes(values, spec.role)
        if n_bins < 2:
            continue
        score = score_codes(codes, n_bins, y, classification, folds, n_classes)
        alone[spec.name] = score
        if score >= threshold:
            findings.append(Finding(
                id="target-leak-feature",
                severity=Severity.ERROR,
                message=(f"column {spec.name!r} alone predicts {target.name!r} almost perfectly on "
                         f"training rows (out-of-fold {metric} {score:.3f} from a one-column model): "
                         "it may be computed from the target or recorded after the outcome"),
                fix=_fix(spec.name, "target-leak-feature"),
                evidence={**base, "column": spec.name, "metric": metric, "score": round(score, 4),
                          "threshold": threshold, "examples": _examples(values, y_raw)},
            ))
    flagged = {f.evidence["column"] for f in findings}
    findings += check_dominance(data, y, schema, target.name, folds, classification=classification,
                                n_classes=n_classes, alone_scores=alone, skip=flagged, seed=seed,
                                time=time, base=base)
    return findings
