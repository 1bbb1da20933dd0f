"""Checks after training: is the chosen model overfitting, or barely learning at all?

Both are judged against the dummy baseline, which makes one rule work for every metric: the
*gain* of a score is how far it is from the baseline's validation score in the good direction,
and the *room* is how far the baseline is from a perfect score (1 for scores, 0 for losses).

* ``overfitting``: most of what the model gained on training rows is gone on validation rows.
  Flexible models (forests, boosting) always score higher on training rows, so a gap alone is
  not a finding; only a model keeping less than half (info) or a quarter (warning) of its
  training gain, with a sizeable gap, is.
* ``underfitting``: the model barely beats the baseline on validation AND on training rows (if it
  did well on training rows, the problem would be overfitting instead).

``no-better-than-baseline`` (in the training workflow) covers a model at or below the baseline.

* ``unstable-folds``: the chosen model's CV score moves between folds by more than 20% of its
  mean (warning), or by more than its lead over the runner-up (info: the ranking may be noise).

For neural nets the per-epoch curves say more than two scores: :func:`read_learning_curve` finds
the epoch after which validation loss rose while training loss kept falling.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from trainguard.findings import Finding, Severity
from trainguard.models.base import unwrap
from trainguard.selection.select import Leaderboard

#: Share of the training gain kept on validation below which overfitting is noted / warned.
KEPT_INFO = 0.5
KEPT_WARN = 0.25
#: Smallest train-validation gap (as a share of the room) worth a finding.
MIN_GAP = 0.1
#: Gains below this share of the room count as "barely better than the baseline".
UNDERFIT = 0.05


#: Validation loss this far (relative) above its minimum, with training loss still falling, is
#: overfitting in the curves; smaller wobbles are noise.
CURVE_RISE = 0.05
#: Epochs after the best one needed before a rise counts.
CURVE_MIN_EPOCHS_AFTER = 3


def read_learning_curve(
    history: Sequence[Mapping[str, Any]], *, model: str = "net"
) -> Finding | None:
    """Overfitting as the curves show it: validation loss rising after its best epoch while the
    training loss keeps falling. Returns None when the curves show nothing of the kind."""
    rows = [(r.get("loss"), r.get("val_loss")) for r in history]
    rows = [(float(a), float(b)) for a, b in rows
            if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)]
    if len(rows) < CURVE_MIN_EPOCHS_AFTER + 2:
        return None
    train, val = zip(*rows, strict=True)
    best = min(range(len(val)), key=val.__getitem__)
    after = len(val) - 1 - best
    if after < CURVE_MIN_EPOCHS_AFTER:
        return None
    rise = (val[-1] - val[best]) / max(abs(val[best]), 1e-12)
    train_fell = train[-1] < train[best]
    if rise < CURVE_RISE or not train_fell:
        return None
    return Finding(
        "learning-curve-overfitting", Severity.INFO,
        f"{model}: validation loss was lowest at epoch {best + 1} ({val[best]:.4g}) and rose "
        f"{rise:.0%} over the next {after} epochs while training loss kept falling "
        f"({train[best]:.4g} -> {train[-1]:.4g}); the weights of epoch {best + 1} are the ones kept",
        "nothing to do if early stopping kept the best epoch; to learn for longer before "
        "overfitting, add dropout or weight decay, shrink the network, or add rows",
        {"model": model, "best_epoch": best + 1, "epochs": len(val), "val_loss_best": val[best],
         "val_loss_last": val[-1], "train_loss_at_best": train[best], "train_loss_last": train[-1]},
    )


def _net_curves(board: Leaderboard) -> list[Finding]:
    findings = []
    for result in board.results:
        pipeline = unwrap(result.pipeline)[0] if result.pipeline is not None else None
        # getattr: an ensemble is not a pipeline (its members' curves stay with their own rows).
        model = getattr(pipeline, "named_steps", {}).get("model") if pipeline is not None else None
        history = getattr(model, "history_", None)
        if history:
            finding = read_learning_curve(history, model=result.name)
            if finding is not None:
                findings.append(finding)
    return findings


def _gain(score: float, reference: float, greater_is_better: bool) -> float:
    return (score - reference) if greater_is_better else (reference - score)


def check_training(board: Leaderboard) -> list[Finding]:
    """Overfitting and underfitting of the selected model, and what the nets' curves show."""
    return _score_checks(board) + _unstable_folds(board) + _net_curves(board)


#: The best model's fold-to-fold spread, relative to its CV mean, above which a warning is due.
UNSTABLE_SPREAD = 0.2


def _unstable_folds(board: Leaderboard) -> list[Finding]:
    """``unstable-folds``: the CV score of the chosen model moves more between folds than it leads
    the runner-up by (the ranking may be noise), or by a large share of the score itself."""
    best = board.best()
    if best is None or not (math.isfinite(best.cv_std) and math.isfinite(best.cv_mean)) or best.cv_std <= 0:
        return []
    runner = next((r for r in board.results if r is not best and not r.is_baseline and r.error is None
                   and math.isfinite(r.cv_mean)), None)
    gap = abs(best.cv_mean - runner.cv_mean) if runner is not None else math.inf
    spread = best.cv_std / abs(best.cv_mean) if best.cv_mean else math.inf
    name = board.metric.name
    evidence = {"model": best.name, "cv_mean": best.cv_mean, "cv_std": best.cv_std,
                "runner_up": runner.name if runner else None,
                "runner_up_cv_mean": runner.cv_mean if runner else None}
    if spread > UNSTABLE_SPREAD:
        return [Finding(
            "unstable-folds", Severity.WARNING,
            f"{best.name}'s cross-validated {name} varies a lot between folds ({best.cv_mean:.4g} ± "
            f"{best.cv_std:.3g}, {spread:.0%} of the mean): its score depends on which rows it sees",
            "more rows or more folds (--cv 10) give a steadier estimate; check for a few unusual "
            "rows, groups or time periods that land in one fold",
            evidence,
        )]
    if runner is not None and gap < best.cv_std:
        return [Finding(
            "unstable-folds", Severity.INFO,
            f"{best.name} leads {runner.name} by {gap:.3g} in cross-validated {name}, less than its "
            f"fold-to-fold spread ({best.cv_std:.3g}): the two are not clearly different",
            "either model is a defensible choice; prefer the simpler one if it matters (--models), "
            "or add rows or folds (--cv 10) to separate them",
            evidence,
        )]
    return []


def _score_checks(board: Leaderboard) -> list[Finding]:
    """Overfitting and underfitting of the selected model, judged on the leaderboard scores."""
    best, baseline = board.best(), board.baseline()
    if best is None or baseline is None:
        return []
    scores = (best.train_score, best.val_score, baseline.val_score)
    if not all(isinstance(s, float | int) and math.isfinite(s) for s in scores):
        return []
    metric = board.metric
    gib = metric.greater_is_better
    reference = baseline.val_score
    perfect = 1.0 if gib else 0.0
    room = abs(perfect - reference)
    if room <= 0:
        return []
    train_gain = _gain(best.train_score, reference, gib)
    val_gain = _gain(best.val_score, reference, gib)
    gap = train_gain - val_gain
    evidence = {"model": best.name, "metric": metric.name, "train_score": best.train_score,
                "validation_score": best.val_score, "baseline_validation_score": reference}
    findings = []
    if val_gain <= 0:
        return []  # no-better-than-baseline says it
    kept = val_gain / train_gain if train_gain > 0 else 1.0
    if gap >= MIN_GAP * room and kept < KEPT_INFO:
        findings.append(Finding(
            "overfitting", Severity.WARNING if kept < KEPT_WARN else Severity.INFO,
            f"{best.name} scores {metric.name} {best.train_score:.4g} on training rows but "
            f"{best.val_score:.4g} on validation (baseline {reference:.4g}): it keeps only "
            f"{kept:.0%} of its training gain",
            "try a simpler or more regularised model (--models linear), fewer or less noisy "
            "features, or more rows",
            {**evidence, "share_of_gain_kept": round(kept, 4)},
        ))
    elif val_gain < UNDERFIT * room and train_gain < 2 * UNDERFIT * room:
        findings.append(Finding(
            "underfitting", Severity.WARNING,
            f"{best.name} is barely better than the baseline on validation ({metric.name} "
            f"{best.val_score:.4g} vs {reference:.4g}) and on its own training rows "
            f"({best.train_score:.4g})",
            "the features carry little signal about the target as given: add informative "
            "features, check the target, or try a more flexible model",
            {**evidence, "gain_share_of_room": round(val_gain / room, 4)},
        ))
    return findings
