"""Signal dominance: leaks that are strong but not near-perfect, or spread over several columns.

The near-perfect single-column cases are errors in :mod:`trainguard.diagnose.leakage`. These are
the quieter ones, all measured out-of-fold on (a sample of) the training rows only, and all
**warnings** with the evidence and the fix:

* ``dominant-feature``: one column alone reaches most of the full model's skill *and* the model
  without it loses most of its skill (the others cannot stand in for it). A strong genuine cause
  almost always has correlates that stand in for it when it is removed (a gem's weight and its
  three dimensions; one lab value and the others), so the model without it loses little; a
  column computed from the outcome carries information nothing else has.
* ``computed-target``: a small group of columns (numbered names such as ``x1..xn``, a cluster of
  correlated columns, or the few columns a greedy linear fit picks) from which the target is an
  (almost) exact linear function, out-of-fold, while no single column is: the target is
  probably computed from them (component scores behind an average, shares behind a total).
  For classes the fit is least squares on each class indicator (one-vs-rest ROC-AUC), which
  finds a binary label cut from a computed score but not the middle band of several.
* ``post-outcome-feature``: a column whose name says it is measured after the outcome (follow-up
  time, time-to-event, duration, a status/outcome/result field, a date later than the ``--time``
  column) and that is also strongly predictive.

Skill is the metric's distance from chance: ``2·AUC − 1`` (the Gini) for classification, R² for
regression. The full model is a small histogram gradient boosting model (one thread, at most
:data:`MAX_ROWS` rows, :data:`FOLDS` folds); columns are only refit without when their one-column
score makes them candidates, so the cost does not grow with the number of columns.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from trainguard.data.schema import Role, Schema, as_category_labels
from trainguard.diagnose.univariate import auc, numeric_values, r2
from trainguard.findings import Finding, Severity

#: A column (or group) "reaches most of the full model's skill" at this share of it.
DOMINANT_SHARE = 0.9
#: Below this full-model skill there is too little signal for shares to mean anything.
MIN_FULL_SKILL = 0.2
#: Feature columns needed for "all the others" to be a fair comparison.
MIN_FEATURES = 3
#: ... and is strong in itself (Gini 0.8 = ROC-AUC 0.9; R² 0.8): a single genuine cause with no
#: stand-ins among the other columns is common at moderate strength.
MIN_DOMINANT_SKILL = 0.8
#: ... while removing it leaves at most this share of the full skill.
WITHOUT_SHARE = 0.6
#: One-column share of the full skill from which a post-outcome name counts as strong evidence.
POST_OUTCOME_SHARE = 0.4
#: Out-of-fold linear skill of a group at which the target counts as computed from it.
COMPUTED_R2 = 0.99
COMPUTED_AUC = 0.999
#: Groups have at least two and at most this many columns.
MAX_GROUP = 8
#: Absolute correlation within a cluster of columns.
CLUSTER_CORRELATION = 0.6
#: Candidates refit without themselves (the strongest by one-column score).
MAX_CANDIDATES = 4
FOLDS = 3
#: The small boosting model; multiclass fits one tree per class, so fewer rounds for many classes.
MODEL = dict(max_leaf_nodes=15, learning_rate=0.15, early_stopping=False)
ROUNDS = 60

#: Words that, in a column name, say the value is known only after the outcome.
POST_OUTCOME_WORDS = frozenset(
    {
        "followup",
        "duration",
        "survival",
        "survived",
        "censor",
        "censored",
        "censoring",
        "death",
        "died",
        "deceased",
        "mortality",
        "discharge",
        "discharged",
        "tte",
        "relapse",
        "recurrence",
        "readmission",
        "readmitted",
        "cancel",
        "cancelled",
        "canceled",
        "cancellation",
        "refund",
        "refunded",
        "chargeback",
        "resolution",
        "resolved",
        "churned",
        "terminated",
        "termination",
    }
)
#: Words that say so only next to an event-like target (``time`` in a survival table) or when
#: they are the whole name (``status``, ``outcome``): ``marital_status`` is known beforehand.
EVENT_WORDS = frozenset(
    {
        "time",
        "days",
        "months",
        "years",
        "weeks",
        "futime",
        "stime",
        "los",
        "status",
        "outcome",
        "outcomes",
        "result",
        "results",
        "end",
        "exit",
        "final",
        "closed",
        "fu",
    }
)
EVENT_TARGET_WORDS = frozenset(
    {
        "status",
        "event",
        "death",
        "dead",
        "died",
        "censor",
        "censored",
        "outcome",
        "recurrence",
        "relapse",
        "failure",
        "fail",
        "churn",
        "churned",
        "survived",
        "survival",
        "mortality",
        "fstat",
        "arrest",
        "default",
        "readmitted",
        "vital",
        "cens",
        "delta",
    }
)
_NUMBERED = re.compile(r"^(?P<stem>.*?[A-Za-z_.\- ])(?P<number>\d+)$")


def name_tokens(name: str) -> list[str]:
    """Lower-case words of a column name: ``daysToEvent``, ``days_to_event``, ``ph.karno``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    return [
        t for t in re.split(r"[^A-Za-z0-9]+|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", spaced.lower()) if t
    ]


def post_outcome_reason(name: str, target: str, *, later_than_time: bool = False) -> str | None:
    """Why the name (or, for a date, its values) says the column is recorded after the outcome."""
    if later_than_time:
        return "its dates are later than the --time column's on most rows"
    tokens = name_tokens(name)
    joined = "".join(tokens)
    for phrase in ("timeto", "daysto", "monthsto", "followup", "lengthofstay", "timeuntil"):
        if phrase in joined:
            return f"its name ({name!r}) describes a time to an event or a follow-up"
    words = [t for t in tokens if t in POST_OUTCOME_WORDS]
    if words:
        return f"its name ({name!r}) contains {words[0]!r}, a word for something known after the outcome"
    weak = [t for t in tokens if t in EVENT_WORDS]
    if weak and len(tokens) == 1 and weak[0] not in {"time", "days", "months", "years", "weeks"}:
        return f"its name ({name!r}) is a word for something known after the outcome"
    if weak and set(name_tokens(target)) & EVENT_TARGET_WORDS:
        return (
            f"its name ({name!r}) contains {weak[0]!r} and the target {target!r} is an event: "
            "in event data such a field (a follow-up time, a final status) is usually "
            "recorded at the end, not when the prediction is made"
        )
    return None


def skill(score: float, classification: bool) -> float:
    """Distance from chance: Gini (2·AUC − 1) or R², never below 0."""
    return max(0.0, 2.0 * score - 1.0 if classification else score)


@dataclass(frozen=True)
class Evidence:
    """Skills (0 = chance, 1 = perfect) of a column or group alone, of the rest, and of all."""

    alone: float
    without: float
    full: float

    def to_dict(self) -> dict[str, float]:
        return {
            "skill_alone": round(self.alone, 4),
            "skill_without": round(self.without, 4),
            "skill_full_model": round(self.full, 4),
        }


def dominates(ev: Evidence) -> bool:
    """Alone it is strong and reaches most of the full skill, and the other columns together
    cannot stand in for it (without it most of the skill is gone)."""
    return (
        ev.full >= MIN_FULL_SKILL
        and ev.alone >= max(DOMINANT_SHARE * ev.full, MIN_DOMINANT_SKILL)
        and ev.without <= WITHOUT_SHARE * ev.full
    )


def strong_after_outcome(ev: Evidence) -> bool:
    """Strong enough for a post-outcome name to matter: a sizeable share of the full skill."""
    return ev.full >= MIN_FULL_SKILL and ev.alone >= POST_OUTCOME_SHARE * ev.full


def computed_from(score: float, classification: bool) -> bool:
    return score >= (COMPUTED_AUC if classification else COMPUTED_R2)


def numbered_groups(names: Sequence[str]) -> list[list[str]]:
    """Columns sharing a stem and differing by a trailing number (``q1..q5``, ``share_1..share_3``)."""
    stems: dict[str, list[str]] = {}
    for name in names:
        match = _NUMBERED.match(str(name))
        if match:
            stems.setdefault(match["stem"].rstrip("_.- ").lower(), []).append(name)
    return [g for g in stems.values() if 2 <= len(g) <= MAX_GROUP]


def correlated_groups(matrix: np.ndarray, names: Sequence[str]) -> list[list[str]]:
    """Clusters of columns whose absolute rank correlations are high (average linkage)."""
    if matrix.shape[1] < 2:
        return []
    ranks = pd.DataFrame(matrix).rank().fillna(pd.DataFrame(matrix).rank().mean())
    with np.errstate(all="ignore"):
        corr = np.nan_to_num(np.corrcoef(ranks.to_numpy(), rowvar=False), nan=0.0)
    distance = np.clip(1.0 - np.abs(corr), 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(
        linkage(squareform(distance, checks=False), "average"),
        1.0 - CLUSTER_CORRELATION,
        criterion="distance",
    )
    groups = [[names[i] for i in np.flatnonzero(labels == k)] for k in np.unique(labels)]
    return [g for g in groups if 2 <= len(g) <= MAX_GROUP]


def _linear_oof(X: np.ndarray, y: np.ndarray, folds: np.ndarray, n_classes: int) -> float:
    """Out-of-fold score of least squares on ``X`` (one-vs-rest scores for classes)."""
    X = np.column_stack([np.ones(len(X)), X])
    targets = np.eye(n_classes)[y] if n_classes else y[:, None]
    pred = np.empty((len(X), targets.shape[1]))
    for k in np.unique(folds):
        fit = folds != k
        coef, *_ = np.linalg.lstsq(X[fit], targets[fit], rcond=None)
        pred[~fit] = X[~fit] @ coef
    if n_classes:
        return auc(y, pred)
    return r2(y, pred[:, 0])


def greedy_linear_group(
    X: np.ndarray, y: np.ndarray, folds: np.ndarray, n_classes: int, classification: bool
) -> tuple[list[int], float]:
    """Columns added one at a time, each the one that most improves the linear fit, until the fit
    is (almost) exact or stops improving; the columns and the last score."""
    chosen: list[int] = []
    best = -np.inf
    for _ in range(MAX_GROUP):
        scores = {
            j: _linear_oof(X[:, chosen + [j]], y, folds, n_classes)
            for j in range(X.shape[1])
            if j not in chosen
        }
        if not scores:
            break
        j, score = max(scores.items(), key=lambda t: t[1])
        if score <= best + 1e-4:
            break
        chosen.append(j)
        best = score
        if computed_from(best, classification):
            break
    return chosen, float(best)


def encode(frame: pd.DataFrame, schema: Schema, columns: Sequence[str]) -> np.ndarray:
    """Numbers as floats and categories as integer codes (NaN when missing), one column each."""
    out = []
    for name in columns:
        numbers = numeric_values(frame[name], schema[name].role)
        if numbers is None:
            codes, _ = pd.factorize(as_category_labels(frame[name]))
            numbers = np.where(codes < 0, np.nan, codes).astype(float)
        out.append(np.where(np.isfinite(numbers), numbers, np.nan))
    return np.column_stack(out) if out else np.empty((len(frame), 0))


class _Scorer:
    """Out-of-fold score of the small boosting model on a subset of the encoded columns."""

    def __init__(
        self, X: np.ndarray, y: np.ndarray, folds: np.ndarray, classification: bool, n_classes: int, seed: int
    ) -> None:
        self.X, self.y, self.folds = X, y, folds
        self.classification, self.n_classes, self.seed = classification, n_classes, seed
        self.cache: dict[tuple[int, ...], float] = {}

    def skill(self, columns: Iterable[int]) -> float:
        key = tuple(sorted(columns))
        if not key:
            return 0.0
        if key not in self.cache:
            self.cache[key] = skill(self._score(list(key)), self.classification)
        return self.cache[key]

    def _score(self, columns: list[int]) -> float:
        X = self.X[:, columns]
        model_type = HistGradientBoostingClassifier if self.classification else HistGradientBoostingRegressor
        shape = (len(X), self.n_classes) if self.classification else (len(X),)
        pred = np.empty(shape)
        with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="openmp"):
            warnings.simplefilter("ignore")
            for k in np.unique(self.folds):
                fit = self.folds != k
                rounds = ROUNDS if self.n_classes <= 2 else max(15, 2 * ROUNDS // self.n_classes)
                model = model_type(max_iter=rounds, random_state=self.seed, **MODEL).fit(X[fit], self.y[fit])
                if self.classification:
                    proba = np.zeros((int((~fit).sum()), self.n_classes))
                    proba[:, model.classes_] = model.predict_proba(X[~fit])
                    pred[~fit] = proba
                else:
                    pred[~fit] = model.predict(X[~fit])
        return auc(self.y, pred) if self.classification else r2(self.y, pred)


def _fix(columns: Sequence[str], check_id: str) -> str:
    listed = ",".join(columns)
    return (
        f"if {'these columns are' if len(columns) > 1 else 'it is'} not known when a "
        f"prediction is made, drop {'them' if len(columns) > 1 else 'it'} with --drop {listed}; "
        f"if {'they are' if len(columns) > 1 else 'it is'}, keep "
        f"{'them' if len(columns) > 1 else 'it'} and pass --allow {check_id}"
    )


def _later_than_time(frame: pd.DataFrame, schema: Schema, name: str, time: str | None) -> bool:
    if not time or name == time or time not in frame or schema[name].role != Role.DATETIME:
        return False
    this = numeric_values(frame[name], Role.DATETIME)
    ref = numeric_values(frame[time], Role.DATETIME)
    if this is None or ref is None:
        return False
    both = np.isfinite(this) & np.isfinite(ref)
    return bool(both.sum() >= 20 and (this[both] > ref[both]).mean() >= 0.9)


def check_dominance(
    data: pd.DataFrame,
    y: np.ndarray,
    schema: Schema,
    target_name: str,
    folds: np.ndarray,
    *,
    classification: bool,
    n_classes: int,
    alone_scores: dict[str, float],
    skip: Iterable[str] = (),
    seed: int = 0,
    time: str | None = None,
    base: dict[str, Any] | None = None,
) -> list[Finding]:
    """The three dominance checks on sampled training rows ``data`` with labels ``y`` (integer
    class codes, or floats), fold numbers ``folds`` and the one-column out-of-fold scores that
    :func:`~trainguard.diagnose.leakage.check_leakage` already measured. ``skip``: columns
    already reported as near-perfect leaks (errors), left out of the comparison."""
    skipped = set(skip)
    columns = [
        s.name
        for s in schema.columns
        if s.is_feature and s.role != Role.TEXT and s.name not in skipped and s.name in alone_scores
    ]
    if len(columns) < MIN_FEATURES:
        return []
    base = dict(base or {})
    metric = "roc_auc" if classification else "r2"
    X = encode(data, schema, columns)
    index = {c: i for i, c in enumerate(columns)}
    model_folds = folds % FOLDS
    scorer = _Scorer(X, y, model_folds, classification, n_classes, seed)
    # The single-column checks need a full model with some skill to compare with; the
    # computed-target check is its own evidence (an exact linear fit) and runs regardless.
    full = scorer.skill(range(len(columns)))
    alone = {c: skill(alone_scores[c], classification) for c in columns}
    findings: list[Finding] = []

    def evidence(group: Sequence[str], alone_skill: float) -> Evidence:
        rest = [i for c, i in index.items() if c not in group]
        return Evidence(alone=alone_skill, without=scorer.skill(rest), full=full)

    ranked = sorted(columns, key=lambda c: -alone[c])
    reported: set[str] = set()
    for name in ranked[:MAX_CANDIDATES] if full >= MIN_FULL_SKILL else []:
        if alone[name] < POST_OUTCOME_SHARE * full:
            break
        reason = post_outcome_reason(
            name, target_name, later_than_time=_later_than_time(data, schema, name, time)
        )
        if not reason and alone[name] < max(DOMINANT_SHARE * full, MIN_DOMINANT_SKILL):
            continue
        ev = evidence([name], alone[name])
        if reason and strong_after_outcome(ev):
            findings.append(
                Finding(
                    "post-outcome-feature",
                    Severity.WARNING,
                    f"column {name!r} looks recorded after the outcome ({reason}) and predicts "
                    f"{target_name!r} strongly on training rows: skill {ev.alone:.2f} alone, "
                    f"{ev.without:.2f} for all other columns together, {ev.full:.2f} for the full "
                    f"model (skill: 0 = chance, 1 = perfect; out-of-fold {metric})",
                    _fix([name], "post-outcome-feature"),
                    {**base, "column": name, "reason": reason, "metric": metric, **ev.to_dict()},
                )
            )
            reported.add(name)
        elif dominates(ev):
            findings.append(
                Finding(
                    "dominant-feature",
                    Severity.WARNING,
                    f"column {name!r} alone carries most of what predicts {target_name!r} on "
                    f"training rows: skill {ev.alone:.2f} alone, {ev.without:.2f} for all other "
                    f"columns together, {ev.full:.2f} for the full model (0 = chance, 1 = perfect; "
                    f"out-of-fold {metric}); a genuine cause usually has stand-ins among the other "
                    "columns, a field computed from or recorded after the outcome does not",
                    _fix([name], "dominant-feature"),
                    {**base, "column": name, "metric": metric, **ev.to_dict()},
                )
            )
            reported.add(name)

    numeric = [c for c in columns if numeric_values(data[c].head(1), schema[c].role) is not None]
    if len(numeric) >= 2:
        sub = X[:, [index[c] for c in numeric]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sub = np.where(np.isnan(sub), np.nan_to_num(np.nanmean(sub, axis=0)), sub)
        picked, _ = greedy_linear_group(sub, y, model_folds, n_classes, classification)
        candidates = [([numeric[j] for j in picked], "a greedy linear fit")] if len(picked) >= 2 else []
        candidates += [(g, "numbered names") for g in numbered_groups(numeric)]
        candidates += [(g, "correlated columns") for g in correlated_groups(sub, numeric)]
        for group, how in candidates:
            if set(group) & reported or any(computed_from(alone_scores[c], classification) for c in group):
                continue
            cols = [numeric.index(c) for c in group]
            score = _linear_oof(sub[:, cols], y, model_folds, n_classes)
            if not computed_from(score, classification):
                continue
            # The smallest group that still fits: drop columns the fit does not need.
            for c in sorted(cols, key=lambda j: alone[numeric[j]]):
                rest = [j for j in cols if j != c]
                if len(rest) >= 2:
                    rest_score = _linear_oof(sub[:, rest], y, model_folds, n_classes)
                    if computed_from(rest_score, classification):
                        cols, score = rest, rest_score
            group = [numeric[j] for j in cols]
            ev = evidence(group, skill(score, classification))
            best_single = max(group, key=lambda c: alone[c])
            findings.append(
                Finding(
                    "computed-target",
                    Severity.WARNING,
                    f"{target_name!r} is almost exactly a linear function of {len(group)} columns "
                    f"({', '.join(map(repr, group))}; found by {how}) on training rows: out-of-fold "
                    f"{metric} {score:.4f} from them together, while the best of them alone reaches "
                    f"skill {alone[best_single]:.2f} and all other columns {ev.without:.2f}: the target "
                    "is probably computed from them",
                    _fix(list(group), "computed-target"),
                    {
                        **base,
                        "columns": list(group),
                        "found_by": how,
                        "metric": metric,
                        "linear_score": round(score, 5),
                        "best_single_column": best_single,
                        **ev.to_dict(),
                    },
                )
            )
            reported.update(group)
    return findings


__all__ = [
    "Evidence",
    "check_dominance",
    "computed_from",
    "correlated_groups",
    "dominates",
    "greedy_linear_group",
    "name_tokens",
    "numbered_groups",
    "post_outcome_reason",
    "skill",
    "strong_after_outcome",
]
