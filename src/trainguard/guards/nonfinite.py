"""The NaN/Inf guard's decisions, free of any framework: evidence in, a ranked diagnosis out.

Framework code (the Trainer, the Keras, skorch and Lightning callbacks) counts the non-finite values,
re-runs the failing batch layer by layer and fills :class:`NonFiniteEvidence` with plain numbers and
names; :func:`diagnose_nonfinite` turns that into a :class:`~trainguard.findings.Finding`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from trainguard.guards.core import StepInfo

from trainguard.findings import Finding, Severity
from trainguard.guards.base import GuardError

POLICIES: Final = ("stop", "skip_batch", "reduce_lr")
#: Growth of the gradient norm over the history window that counts as exploding.
EXPLODING_FACTOR: Final = 10.0
#: Listing more parameter names than this helps nobody; the rest are counted.
_MAX_NAMES: Final = 5


class NonFiniteError(GuardError):
    """Training produced NaN or Inf; the message says where it started and why it likely did."""


# --- counting non-finite values ------------------------------------------------------------------


@dataclass(frozen=True)
class NonFiniteCount:
    """How many NaN, +Inf and -Inf values one named tensor holds."""

    name: str
    nan: int
    posinf: int
    neginf: int
    total: int

    @property
    def bad(self) -> int:
        return self.nan + self.posinf + self.neginf

    def describe(self) -> str:
        if not self.bad:
            return f"{self.name}: finite ({self.total} values)"
        kinds = [
            f"{n} {label}"
            for n, label in ((self.nan, "NaN"), (self.posinf, "+inf"), (self.neginf, "-inf"))
            if n
        ]
        return f"{self.name}: {', '.join(kinds)} of {self.total} values"


def count_array(name: str, values: Any) -> NonFiniteCount:
    """NaN/+Inf/-Inf counts of any array-like (numpy, or a framework tensor converted to numpy)."""
    array = np.asarray(values)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.complexfloating)):
        return NonFiniteCount(name, 0, 0, 0, int(array.size))
    if np.iscomplexobj(array):
        array = np.stack([array.real, array.imag])
    nan = int(np.isnan(array).sum())
    posinf = int(np.isposinf(array).sum())
    neginf = int(np.isneginf(array).sum())
    return NonFiniteCount(name, nan, posinf, neginf, int(array.size))


# --- what re-running a failing batch showed ------------------------------------------------------


@dataclass(frozen=True)
class ModuleFault:
    """The first module, in execution order, whose output went non-finite from finite inputs."""

    name: str
    type_name: str
    output: list[NonFiniteCount]
    params_finite: bool
    param_max_abs: float | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.type_name})"


@dataclass(frozen=True)
class Reproduction:
    """What re-running the failing batch showed, stage by stage."""

    stage: str  # "inputs" | "forward" | "loss" | "backward" | "not reproduced" | "unavailable"
    origin: ModuleFault | None = None
    receiver: str | None = None  # first submodule that *received* non-finite input
    loss: float | None = None
    nonfinite_grads: list[str] = field(default_factory=list)
    note: str = ""


# --- evidence and diagnosis (pure) ---------------------------------------------------------------


@dataclass(frozen=True)
class GradNormTrend:
    """The gradient norms of the last steps and whether they were exploding."""

    norms: tuple[float, ...]
    exploding: bool
    growth: float | None

    def describe(self) -> str:
        if not self.norms:
            return "gradient norm: not recorded"
        values = ", ".join(f"{v:.3g}" for v in self.norms)
        if self.growth is None:
            verdict = "too few finite values to judge growth"
        elif self.exploding:
            verdict = f"grew {self.growth:.3g}x: exploding"
        else:
            verdict = f"changed {self.growth:.3g}x: no explosion"
        return f"gradient norm, last {len(self.norms)} steps: {values} ({verdict})"


def grad_norm_trend(norms: Sequence[float], *, factor: float = EXPLODING_FACTOR) -> GradNormTrend:
    """Judge divergence from the norms leading up to the failure: last finite over first finite."""
    finite = [v for v in norms if math.isfinite(v)]
    growth = finite[-1] / max(finite[0], 1e-12) if len(finite) >= 2 else None
    overflowed = bool(norms) and math.isinf(norms[-1]) and len(finite) >= 1
    exploding = (growth is not None and growth > factor) or overflowed
    return GradNormTrend(tuple(norms), exploding, growth)


@dataclass(frozen=True)
class NonFiniteEvidence:
    """Everything known about one failing step; the input to :func:`diagnose_nonfinite`."""

    epoch: int
    step: int
    batch_index: int
    loss: float | None
    grad_norm: float | None
    inputs: list[NonFiniteCount]
    targets: list[NonFiniteCount]
    reproduction: Reproduction
    nonfinite_params: list[str]
    grad_norms: list[float]
    lrs: list[float]
    note: str = ""
    largest_weight: tuple[str, float] | None = None  # (parameter name, max |value|)
    losses: list[float] = field(default_factory=list)  # the last steps' losses, when the loop kept them
    component: str = "module"  # what the framework calls a model's parts: torch modules, Keras layers

    @classmethod
    def for_step(cls, info: StepInfo, **rest: Any) -> NonFiniteEvidence:
        """The evidence of the step ``info`` describes; ``rest`` holds what the loop found out."""
        return cls(
            epoch=info.epoch,
            step=info.step,
            batch_index=info.batch_index,
            loss=info.loss,
            grad_norm=info.grad_norm,
            **rest,
        )


def diagnose_nonfinite(ev: NonFiniteEvidence) -> Finding:
    """Turn the evidence of one failing step into a ranked, evidenced explanation."""
    trend = grad_norm_trend(ev.grad_norms)
    causes = _likely_causes(ev, trend)
    details = [_where_line(ev), *_evidence_lines(ev, trend), "Likely causes (most likely first):"]
    if ev.note:
        details.insert(0, f"Note: {ev.note}")
    details += [f"  {i}. {cause}" for i, (cause, _) in enumerate(causes, start=1)]
    return Finding(
        id="non-finite-training",
        severity=Severity.ERROR,
        message=_summary(ev),
        fix=causes[0][1],
        evidence={
            "epoch": ev.epoch,
            "step": ev.step,
            "batch_index": ev.batch_index,
            "loss": ev.loss,
            "grad_norm": ev.grad_norm,
            "stage": ev.reproduction.stage,
            "origin": ev.reproduction.origin.label if ev.reproduction.origin else None,
            "inputs_finite": not any(c.bad for c in ev.inputs),
            "targets_finite": not any(c.bad for c in ev.targets),
            "nonfinite_params": ev.nonfinite_params,
            "grad_norms": list(ev.grad_norms),
            "exploding": trend.exploding,
            "lrs": list(ev.lrs),
            "losses": list(ev.losses),
            "details": details,
        },
    )


def _fmt(value: float | None) -> str:
    return "not recorded" if value is None else f"{value:.4g}"


def _summary(ev: NonFiniteEvidence) -> str:
    at = f"at epoch {ev.epoch}, step {ev.step} (batch {ev.batch_index} of the epoch)"
    if any(c.bad for c in ev.inputs + ev.targets):
        what = "non-finite values in the batch data"
    elif ev.loss is not None and not math.isfinite(ev.loss):
        what = f"non-finite loss ({_fmt(ev.loss)})"
    else:
        known = " with a finite loss" if ev.loss is not None else ""  # skorch gives no loss before the step
        what = f"non-finite gradient norm ({_fmt(ev.grad_norm)}){known}"
    return f"{what} {at}; training stopped, and this batch never reached the weights"


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_MAX_NAMES])
    return shown + (f" and {len(names) - _MAX_NAMES} more" if len(names) > _MAX_NAMES else "")


def _where_line(ev: NonFiniteEvidence) -> str:
    r = ev.reproduction
    if r.stage == "inputs":
        bad = [c.name for c in ev.inputs + ev.targets if c.bad]
        return f"Where: the batch data itself ({', '.join(bad)}), before the model ran"
    if r.stage == "forward" and r.origin is not None:
        counts = "; ".join(c.describe() for c in r.origin.output if c.bad)
        part = ev.component
        line = f"Where: {part} {r.origin.label} produced non-finite output ({counts}) from finite inputs"
        if r.receiver and not r.receiver.startswith(r.origin.name + " "):
            line += f"; inside it, {r.receiver} was the first sub{part} to receive non-finite values"
        return line
    if r.stage == "loss":
        return f"Where: the loss function: the model's outputs are finite but the loss is {_fmt(r.loss)}"
    if r.stage == "backward":
        return (
            f"Where: the backward pass: forward and loss ({_fmt(r.loss)}) are finite, but gradients "
            f"are non-finite in {_names(r.nonfinite_grads)}"
        )
    if r.stage == "not reproduced":
        return (
            f"Where: not reproduced: re-running the batch with the current weights gives a finite "
            f"loss ({_fmt(r.loss)})"
        )
    return f"Where: unknown: {r.note or 'the failing batch could not be re-run'}"


def _evidence_lines(ev: NonFiniteEvidence, trend: GradNormTrend) -> list[str]:
    lines = ["Evidence:"]
    data = ev.inputs + ev.targets
    if data:
        state = "finite" if not any(c.bad for c in data) else "NOT finite"
        lines.append(f"  - batch data {state}: " + "; ".join(c.describe() for c in data))
    else:
        lines.append("  - batch data: not available to re-check")
    lines.append(f"  - loss at the step: {_fmt(ev.loss)}; gradient norm: {_fmt(ev.grad_norm)}")
    if ev.losses:
        lines.append(f"  - loss, last {len(ev.losses)} steps: " + ", ".join(f"{v:.4g}" for v in ev.losses))
    lines.append(f"  - {trend.describe()}")
    lines.append(f"  - {_lr_text(ev.lrs)}")
    if ev.nonfinite_params:
        lines.append(f"  - parameters already non-finite: {_names(ev.nonfinite_params)}")
    else:
        lines.append("  - parameters: all finite")
    if ev.largest_weight is not None:
        lines.append(f"  - largest |weight| overall: {ev.largest_weight[1]:.3g} in {ev.largest_weight[0]}")
    origin = ev.reproduction.origin
    if origin is not None and origin.param_max_abs is not None:
        lines.append(f"  - largest |weight| in {origin.label}: {origin.param_max_abs:.3g}")
    return lines


def _lr_text(lrs: Sequence[float]) -> str:
    if not lrs:
        return "learning rate: unknown"
    if len(set(lrs)) == 1:
        return f"learning rate: {lrs[0]:.3g}"
    return "learning rates: " + ", ".join(f"group {i}: {lr:.3g}" for i, lr in enumerate(lrs))


def _likely_causes(ev: NonFiniteEvidence, trend: GradNormTrend) -> list[tuple[str, str]]:
    """(cause with its evidence, fix), most likely first; never empty."""
    causes: list[tuple[str, str]] = []
    bad_data = [c for c in ev.inputs + ev.targets if c.bad]
    lr = max(ev.lrs) if ev.lrs else None
    lower_lr = f"lower the learning rate (e.g. {lr / 10:.3g})" if lr else "lower the learning rate"
    if bad_data:
        causes.append(
            (
                "the training data holds NaN/Inf: " + "; ".join(c.describe() for c in bad_data),
                "clean the data before training: impute or drop missing values (e.g. sklearn SimpleImputer) "
                "and check preprocessing for division by zero or log of non-positive values",
            )
        )
    if trend.exploding or ev.nonfinite_params:
        why = (
            trend.describe()
            if trend.exploding
            else f"parameters {_names(ev.nonfinite_params)} are non-finite"
        )
        causes.append(
            (
                f"training diverged: {why}, at {_lr_text(ev.lrs)}",
                f"{lower_lr}, add GradientClipping(max_norm=1.0), and standardize inputs and targets",
            )
        )
    r = ev.reproduction
    if r.stage == "forward" and r.origin is not None:
        weights = "" if r.origin.params_finite else " (its own weights are already non-finite)"
        causes.append(
            (
                f"{r.origin.label} computes something undefined on finite inputs{weights}: log/division/sqrt "
                "of zero or negatives, exp/pow overflow",
                "guard the operation, e.g. torch.log(x.clamp_min(1e-8)), x / (d + 1e-8), or use stable "
                "ops (log_softmax, logsumexp, BCEWithLogitsLoss on logits)",
            )
        )
    elif trend.exploding and r.stage in ("loss", "backward", "not reproduced"):
        pass  # with exploding gradients, an overflowing loss or gradient is a symptom, not a second cause
    elif r.stage == "loss":
        causes.append(
            (
                "the loss is undefined for these finite outputs/targets (e.g. log of 0 in a hand-written "
                "loss, "
                "targets outside the loss's valid range)",
                "use a numerically stable loss on logits (BCEWithLogitsLoss, CrossEntropyLoss) or clamp "
                "inside a custom loss",
            )
        )
    elif r.stage == "backward":
        causes.append(
            (
                "an operation with an unbounded derivative at this point (sqrt or norm at 0, pow with a "
                f"negative exponent) in the path to {_names(r.nonfinite_grads)}",
                "add an epsilon inside sqrt/norm (torch.sqrt(x + 1e-8)) and clip gradients",
            )
        )
    elif r.stage == "not reproduced" and not trend.exploding:
        causes.append(
            (
                "the failure depends on the weights or randomness at that step (dropout), "
                "not on the batch alone",
                f"{lower_lr} and add GradientClipping(max_norm=1.0); pass Guards(check_every=1) to localize "
                "the exact step",
            )
        )
    if not causes:
        causes.append(
            (
                f"numerical instability at {_lr_text(ev.lrs)}",
                f"{lower_lr} and add GradientClipping(max_norm=1.0)",
            )
        )
    return causes


def skipped_finding(
    epoch: int, skipped: int, received: int, first_step: int | None, policy: str, lrs: Sequence[float]
) -> Finding:
    """Report, once per epoch, the batches a lenient policy skipped so they are never invisible."""
    lr_note = f"; {_lr_text(lrs)} now" if policy == "reduce_lr" else ""
    return Finding(
        id="non-finite-batches-skipped",
        severity=Severity.WARNING,
        message=(
            f"epoch {epoch}: skipped {skipped} of {received} batches with non-finite loss, gradients "
            f"or data (first at step {first_step}; policy {policy!r}){lr_note}; later epochs' counts are "
            "in the history column nonfinite_skipped"
        ),
        fix=(
            "find the cause with Guards(nonfinite='stop'), which stops at the first such batch "
            "and explains it"
        ),
        evidence={
            "epoch": epoch,
            "skipped": skipped,
            "received": received,
            "first_step": first_step,
            "policy": policy,
            "lrs": list(lrs),
        },
    )


# --- non-finite training data, before training starts --------------------------------------------

_MAX_ROWS_SHOWN: Final = 5


def nonfinite_data_finding(X: Any, y: Any = None, *, where: str = "fit") -> Finding | None:
    """NaN/Inf in the training data handed to ``fit``, by column and row; ``None`` when all finite.

    ``X`` may be a pandas DataFrame (columns named), a 2-D array or anything ``np.asarray`` takes;
    anything else (a Dataset, a dict of tensors) is not judged here.
    """
    parts = [("X", X)] + ([("y", y)] if y is not None else [])
    problems: list[dict[str, Any]] = []
    for part, data in parts:
        columns, values = _columns_and_values(data)
        if values is None:
            continue
        bad = ~np.isfinite(values)
        if not bad.any():
            continue
        bad2 = bad.reshape(len(values), -1)
        for j in np.flatnonzero(bad2.any(axis=0)):
            rows = np.flatnonzero(bad2[:, j])
            name = f"{part} column {columns[j]!r}" if columns is not None else f"{part} column {j}"
            if values.ndim == 1:
                name = part
            problems.append(
                {
                    "column": name,
                    "nan": int(np.isnan(values.reshape(len(values), -1)[:, j]).sum()),
                    "count": int(rows.size),
                    "rows": [int(r) for r in rows[:_MAX_ROWS_SHOWN]],
                }
            )
    if not problems:
        return None
    total = sum(p["count"] for p in problems)
    shown = "; ".join(
        f"{p['column']}: {p['count']} ({p['nan']} NaN) at rows {', '.join(map(str, p['rows']))}"
        + (" ..." if p["count"] > len(p["rows"]) else "")
        for p in problems[:_MAX_NAMES]
    )
    more = f" and {len(problems) - _MAX_NAMES} more columns" if len(problems) > _MAX_NAMES else ""
    return Finding(
        id="non-finite-training-data",
        severity=Severity.ERROR,
        message=(
            f"{where}: the training data holds {total} NaN/Inf values in {len(problems)} columns "
            f"({shown}{more}); training on them makes every loss NaN, so training stopped before the "
            "first step"
        ),
        fix=(
            "impute or drop missing values before training (sklearn.impute.SimpleImputer in a Pipeline "
            "before the net), and check preprocessing for division by zero or log of non-positive values"
        ),
        evidence={
            "columns": problems,
            "total": total,
            "details": [f"Checked {where}'s X and y once, at fit start."],
        },
    )


def _columns_and_values(data: Any) -> tuple[list[Any] | None, np.ndarray | None]:
    columns = list(data.columns) if hasattr(data, "columns") and hasattr(data, "to_numpy") else None
    try:
        values = data.to_numpy() if hasattr(data, "to_numpy") else np.asarray(data)
    except (TypeError, ValueError):
        return None, None
    if values.dtype == object:
        try:
            values = values.astype(float)
        except (TypeError, ValueError):
            return None, None
    if not np.issubdtype(values.dtype, np.floating) or values.ndim == 0:
        return None, None
    return columns, values
