"""The guard core: framework-neutral guard objects with one small hook protocol.

Every training loop trainguard guards (its own :class:`~trainguard.nn.Trainer`, and Keras, skorch
and Lightning through their callbacks) feeds the same objects plain numbers at the same four
moments, and gets :class:`~trainguard.findings.Finding` objects or a :class:`Verdict` back:

==========================  ===============================================================
hook                        what the loop passes
==========================  ===============================================================
``on_fit_start``            :class:`FitInfo`: the declared epoch length and the source kind
``on_first_batch``          the loss/output findings the framework's inspector produced
``on_batch_start``          :class:`BatchInfo`: rows in the batch, before the loop trains on it
``before_optimizer_step``   :class:`StepInfo`: loss, gradient norm, whether the data was finite
``on_batch_end``            :class:`BatchInfo`: rows in the batch, a fingerprint of its values
``on_epoch_end``            :class:`EpochInfo`: the epoch, extra batches seen past its end
==========================  ===============================================================

The loops keep what only they can do (reading tensors, re-running a batch layer by layer, masking
gradients on a device); every decision lives here, on top of the pure functions in
:mod:`trainguard.guards.epoch_length` and :mod:`trainguard.guards.nonfinite`. Nothing in this module
imports a deep-learning framework.
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from trainguard.findings import Finding, Severity
from trainguard.guards.base import first_error
from trainguard.guards.epoch_length import (
    BY_FIRST_EPOCH,
    BY_LEN,
    BY_STEPS,
    DeclaredLength,
    check_epoch_length,
    declare_length,
    empty_batch_finding,
)
from trainguard.guards.nonfinite import POLICIES

#: How many consecutive batches must repeat before a data cycle counts as found.
CYCLE_CONFIRM: Final = 2


class Verdict(StrEnum):
    """What a loop does with the step it is about to take."""

    STEP = "step"  # finite: take the optimizer step
    SKIP = "skip"  # skip the optimizer step (lenient policy)
    REDUCE_LR = "reduce_lr"  # skip it and divide the learning rate by 10
    STOP = "stop"  # stop training with a diagnosis


@dataclass(frozen=True)
class FitInfo:
    steps_per_epoch: int | None = None
    source_len: int | None = None
    source_kind: str = "data"
    n_samples: int | None = None
    batch_size: int | None = None


@dataclass(slots=True)  # built every step: slots, not frozen (frozen __init__ costs ~1 µs a field)
class StepInfo:
    """One training step as numbers; ``loss``/``grad_norm`` are ``None`` when the loop has not got them.

    (skorch, for one, exposes the gradients before the optimizer step but not the loss.)
    """

    epoch: int
    step: int
    batch_index: int
    loss: float | None
    grad_norm: float | None = None
    data_finite: bool = True

    @property
    def finite(self) -> bool:
        return (
            (self.loss is None or math.isfinite(self.loss))
            and (self.grad_norm is None or math.isfinite(self.grad_norm))
            and self.data_finite
        )


@dataclass(slots=True)
class BatchInfo:
    epoch: int
    batch_index: int
    rows: int | None = None
    fingerprint: Hashable | None = None


@dataclass(frozen=True)
class EpochInfo:
    epoch: int
    extra: int = 0  # batches the source still held past the declared length
    extra_is_lower_bound: bool = False
    interrupted: bool = False  # stopped early on purpose (early stopping): no length judgement


class Guard:
    """The hook protocol; every hook is a no-op unless a guard overrides it."""

    def on_fit_start(self, fit: FitInfo) -> list[Finding]:
        return []

    def on_first_batch(self, findings: Sequence[Finding]) -> list[Finding]:
        return []

    def on_batch_start(self, batch: BatchInfo) -> list[Finding]:
        return []

    def before_optimizer_step(self, step: StepInfo) -> Verdict:
        return Verdict.STEP

    def on_batch_end(self, batch: BatchInfo) -> list[Finding]:
        return []

    def on_epoch_end(self, epoch: EpochInfo) -> list[Finding]:
        return []


# --- epoch length --------------------------------------------------------------------------------


class EpochLengthGuard(Guard):
    """Counts batches per epoch against the declared length; see :mod:`trainguard.guards.epoch_length`.

    ``check_empty``: judge each batch's row count (sources that can run past their data). ``cycles``:
    also watch batch fingerprints for the data repeating at a period other than the declared epoch
    (an endless generator given the wrong ``steps_per_epoch``).
    """

    def __init__(self, *, check_empty: bool = True, cycles: bool = False) -> None:
        self.check_empty = check_empty
        self.cycles = CycleDetector() if cycles else None
        self.fit = FitInfo()
        self.declared = DeclaredLength(None, None)
        self.received = 0
        self.extras_checked = False

    def on_fit_start(self, fit: FitInfo) -> list[Finding]:
        self.fit = fit
        self.declared = declare_length(fit.steps_per_epoch, fit.source_len)
        self.received, self.extras_checked = 0, False
        if self.cycles is not None:
            self.cycles.reset()
        return []

    @property
    def expected(self) -> int | None:
        return self.declared.batches

    def wants_extra_count(self) -> bool:
        """Whether the loop should count the batches the source still holds after this epoch."""
        return self.received == self.declared.batches and not self.extras_checked

    def on_batch_start(self, batch: BatchInfo) -> list[Finding]:
        if not (self.check_empty and batch.rows == 0):
            return []
        return [
            empty_batch_finding(
                batch.epoch,
                batch.batch_index,
                self.expected,
                self.fit.source_kind,
                declared_by=self.declared.by,
            )
        ]

    def on_batch_end(self, batch: BatchInfo) -> list[Finding]:
        findings: list[Finding] = []
        self.received += 1
        if self.cycles is not None and batch.fingerprint is not None:
            period = self.cycles.observe(batch.fingerprint)
            if period is not None and self.expected is not None and period != self.expected:
                findings.append(cycle_finding(batch.epoch, period, self.expected, self.declared.by))
        return findings

    def on_epoch_end(self, epoch: EpochInfo) -> list[Finding]:
        received, self.received = self.received, 0
        if epoch.interrupted:
            return []
        if self.declared.batches is None:  # nothing declared: the first epoch sets the length
            if received == 0:
                return [_required(check_epoch_length(epoch.epoch, 0, None, self.fit.source_kind))]
            self.declared = DeclaredLength(received, BY_FIRST_EPOCH)
            return []
        finding = check_epoch_length(
            epoch.epoch,
            received + epoch.extra,
            self.declared.batches,
            self.fit.source_kind,
            declared_by=str(self.declared.by),
            extra_is_lower_bound=epoch.extra_is_lower_bound,
            n_samples=self.fit.n_samples,
            batch_size=self.fit.batch_size,
        )
        if finding is not None and finding.severity is not Severity.ERROR:
            self.extras_checked = True  # extra batches are reported once per fit
        return [] if finding is None else [finding]

    def endless_by_design(self) -> None:
        """An endless stream cut by ``steps_per_epoch``, as intended: stop counting extra batches."""
        self.extras_checked = True


class CycleDetector:
    """Finds the period at which a stream of batch fingerprints repeats from its start.

    The stream's first :data:`CYCLE_CONFIRM` fingerprints are the pattern; the period is the first
    position where the pattern recurs. Batches must be distinguishable (the pattern's fingerprints
    differ), so constant or shuffled data never yields a period.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self.reset()

    def reset(self) -> None:
        self.head: list[Hashable] = []
        self.recent: deque[Hashable] = deque(maxlen=CYCLE_CONFIRM)
        self.seen = 0
        self.period: int | None = None

    def observe(self, fingerprint: Hashable) -> int | None:
        """The period, once, at the batch that confirms it; else ``None``."""
        if self.period is not None or self.seen >= self.limit:
            return None
        self.seen += 1
        self.recent.append(fingerprint)
        if len(self.head) < CYCLE_CONFIRM:
            self.head.append(fingerprint)
            return None
        if len(set(self.head)) < CYCLE_CONFIRM or list(self.recent) != self.head:
            return None
        self.period = self.seen - CYCLE_CONFIRM
        return self.period


def cycle_finding(epoch: int, period: int, expected: int, declared_by: str | None) -> Finding:
    """The data repeats every ``period`` batches, but an epoch was declared as ``expected``."""
    if period > expected:
        share = (
            f"each epoch sees {expected} of the {period} distinct batches "
            f"({expected / period:.0%} of the data)"
        )
        fix = f"set steps_per_epoch to {period} (the number of batches in one pass over the data)"
    else:
        share = f"each epoch goes over the same data {expected / period:.3g} times"
        fix = f"set steps_per_epoch to {period}, and train for more epochs instead"
    return Finding(
        id="epoch-data-cycle-mismatch",
        severity=Severity.ERROR,
        message=(
            f"epoch {epoch}: the data repeats every {period} batches, but an epoch was declared as "
            f"{expected} batches (from {declared_by}): {share}"
        ),
        fix=fix,
        evidence={
            "epoch": epoch,
            "period": period,
            "expected": expected,
            "declared_by": declared_by,
            "details": [
                "Found by fingerprinting a few values of every batch: batch "
                f"{period} of the stream is the same as batch 0, and the next one as batch 1.",
                "Likely causes:",
                "  - steps_per_epoch computed with the wrong batch size or sample count for an endless "
                "(`while True:`) generator",
                "  - an endless generator whose pass over the data is longer or shorter than intended",
            ],
        },
    )


def _required(finding: Finding | None) -> Finding:
    assert finding is not None
    return finding


# --- non-finite loss, gradients and data ----------------------------------------------------------


class NonFiniteGuard(Guard):
    """Judges each step before the optimizer sees it and applies the policy.

    ``policy``: ``"stop"``, ``"skip_batch"`` or ``"reduce_lr"`` (skip, then the loop divides the
    learning rate by 10, at most ``max_lr_reductions`` times before stopping). The last
    ``history`` gradient norms are kept as floats for the diagnosis.
    """

    def __init__(self, policy: str = "stop", *, max_lr_reductions: int = 5, history: int = 10) -> None:
        if policy not in POLICIES:
            raise ValueError(f"unknown non-finite policy {policy!r}; use one of {POLICIES}")
        self.policy = policy
        self.max_lr_reductions = max_lr_reductions
        self.norms: deque[float] = deque(maxlen=history)
        self.losses: deque[float] = deque(maxlen=history)
        self.lr_reductions = 0
        self.note = ""

    def on_fit_start(self, fit: FitInfo) -> list[Finding]:
        self.norms.clear()
        self.losses.clear()
        self.lr_reductions, self.note = 0, ""
        return []

    def before_optimizer_step(self, step: StepInfo) -> Verdict:
        if not self.passes(step.loss, step.grad_norm):
            self._record(step.loss, step.grad_norm)
        elif step.data_finite:
            return Verdict.STEP
        return self.on_bad_step(model_caused=step.data_finite)

    def passes(self, loss: float | None, grad_norm: float | None) -> bool:
        """The per-step fast path of :meth:`before_optimizer_step`, for loops that read the numbers first.

        A step whose loss and gradient norm are finite (or not known) is recorded and may be taken:
        ``True``, with no :class:`StepInfo` built. Otherwise nothing is recorded and ``False`` says
        the loop must hand the step to :meth:`before_optimizer_step` for the verdict. (Cheap on
        purpose: an adapter calls it once a step inside the framework's loop.)
        """
        if (loss is None or math.isfinite(loss)) and (grad_norm is None or math.isfinite(grad_norm)):
            self._record(loss, grad_norm)
            return True
        return False

    def _record(self, loss: float | None, grad_norm: float | None) -> None:
        if grad_norm is not None:
            self.norms.append(grad_norm)
        if loss is not None:
            self.losses.append(loss)

    def on_bad_step(self, *, model_caused: bool) -> Verdict:
        """The policy's answer to a step found non-finite (now, or at a later poll)."""
        if self.policy == "stop":
            return Verdict.STOP
        if self.policy == "skip_batch" or not model_caused:  # a lower lr cannot fix bad data
            return Verdict.SKIP
        if self.lr_reductions >= self.max_lr_reductions:
            self.note = (
                f"the learning rate was already divided by 10 {self.lr_reductions} times and training "
                "still produces non-finite values"
            )
            return Verdict.STOP
        self.lr_reductions += 1
        return Verdict.REDUCE_LR


# --- loss / output mismatch -----------------------------------------------------------------------


class LossMismatchGuard(Guard):
    """Sorts the first batch's loss/output findings: the first error, carrying the others as details."""

    def on_first_batch(self, findings: Sequence[Finding]) -> list[Finding]:
        return first_batch_findings(findings)


def first_batch_findings(findings: Sequence[Finding]) -> list[Finding]:
    """The findings with the first error first, its details naming the rest (``Also: ...``)."""
    error = first_error(findings)
    if error is None:
        return list(findings)
    others = [f for f in findings if f is not error]
    also = [f"Also: [{f.id}] {f.message}" for f in others]
    details = [*error.evidence.get("details", []), *also]
    error = dataclasses.replace(error, evidence=error.evidence | {"details": details})
    return [error, *others]


# --- a set of guards ------------------------------------------------------------------------------


@dataclass
class GuardSet:
    """The guards one loop runs, called through the protocol; ``findings`` keeps all they reported."""

    epoch_length: EpochLengthGuard | None = None
    nonfinite: NonFiniteGuard | None = None
    loss_mismatch: LossMismatchGuard | None = None
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        nonfinite: str | None = "stop",
        *,
        epoch_length: bool = True,
        loss_mismatch: bool = True,
        cycles: bool = False,
        check_empty: bool = True,
        max_lr_reductions: int = 5,
        history: int = 10,
    ) -> GuardSet:
        """The guards a loop's settings ask for (``None``/``False`` leaves one out)."""
        return cls(
            EpochLengthGuard(check_empty=check_empty, cycles=cycles) if epoch_length else None,
            None
            if nonfinite is None
            else NonFiniteGuard(nonfinite, max_lr_reductions=max_lr_reductions, history=history),
            LossMismatchGuard() if loss_mismatch else None,
        )

    @property
    def guards(self) -> list[Guard]:
        return [g for g in (self.epoch_length, self.nonfinite, self.loss_mismatch) if g is not None]

    def _overriding(self, hook: str) -> list[Guard]:
        """The guards that implement ``hook``: per-batch hooks dispatch only to them (a loop's hot path)."""
        return [g for g in self.guards if getattr(type(g), hook) is not getattr(Guard, hook)]

    def on_fit_start(self, fit: FitInfo) -> list[Finding]:
        return self._keep(f for g in self.guards for f in g.on_fit_start(fit))

    def on_first_batch(self, findings: Sequence[Finding]) -> list[Finding]:
        if self.loss_mismatch is None:
            return []
        return self._keep(self.loss_mismatch.on_first_batch(findings))

    def on_batch_start(self, batch: BatchInfo) -> list[Finding]:
        return self._keep(f for g in self._overriding("on_batch_start") for f in g.on_batch_start(batch))

    def before_optimizer_step(self, step: StepInfo) -> Verdict:
        return Verdict.STEP if self.nonfinite is None else self.nonfinite.before_optimizer_step(step)

    def on_batch_end(self, batch: BatchInfo) -> list[Finding]:
        """Per batch: only the epoch-length guard counts batches, so it is called directly."""
        if self.epoch_length is None:
            return []
        findings = self.epoch_length.on_batch_end(batch)
        return self._keep(findings) if findings else findings

    def on_epoch_end(self, epoch: EpochInfo) -> list[Finding]:
        return self._keep(f for g in self.guards for f in g.on_epoch_end(epoch))

    def _keep(self, findings: Iterable[Finding]) -> list[Finding]:
        kept = list(findings)
        if kept:
            self.findings.extend(kept)
        return kept


__all__ = [
    "BY_LEN",
    "BY_STEPS",
    "BatchInfo",
    "CycleDetector",
    "EpochInfo",
    "EpochLengthGuard",
    "FitInfo",
    "Guard",
    "GuardSet",
    "LossMismatchGuard",
    "NonFiniteGuard",
    "StepInfo",
    "Verdict",
    "cycle_finding",
    "first_batch_findings",
]
