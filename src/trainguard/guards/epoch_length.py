"""Epoch-length guard: an epoch must deliver exactly the number of batches it was declared to have.

A short epoch is almost always a bug that otherwise passes silently: a generator that is not
infinite, a ``__len__`` computed with the wrong batch size, ``steps_per_epoch = n // batch_size``
where ``ceil`` was meant, or an exception swallowed inside a generator. Training on would mean
per-step schedulers (OneCycleLR), progress and "epochs" all mean something other than the user
thinks, so a short epoch stops training with :class:`EpochLengthError`.

Batches *beyond* the declared length are different: the epoch is still well defined, but data is
being left out. The Trainer trains on exactly the declared number of batches (so per-step
schedulers built for that length stay valid), then *consumes* the rest of that epoch's batches
without training on them, counts them, and reports the count once per fit as a warning. Counting
stops after as many extra batches as the declared length, so an infinite source costs at most one
extra epoch of batch production; for a source without ``__len__`` given ``steps_per_epoch``, running
past that cap is taken as "this stream is infinite by design" and not reported.

The declared length comes from, in order: ``steps_per_epoch``; ``len()`` of the source; for a
generator with nothing declared, the number of batches of the first epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from trainguard.findings import Finding, Severity
from trainguard.guards.base import GuardError

#: How the expected epoch length was established; each suggests different causes.
BY_STEPS: Final = "steps_per_epoch"
BY_LEN: Final = "len()"
BY_FIRST_EPOCH: Final = "first epoch"
#: The source kind the framework adapters report for a generator object.
GENERATOR_OBJECT: Final = "generator object"


class EpochLengthError(GuardError):
    """An epoch delivered fewer batches than declared, or an empty batch."""


@dataclass(frozen=True)
class DeclaredLength:
    """The number of batches an epoch should have, and where that number came from."""

    batches: int | None
    by: str | None  # BY_STEPS, BY_LEN, BY_FIRST_EPOCH; None while nothing is known yet

    def describe(self) -> str:
        if self.by == BY_STEPS:
            return f"steps_per_epoch={self.batches}"
        if self.by == BY_LEN:
            return f"len() = {self.batches}"
        return f"{self.batches} batches in the first epoch"


def declare_length(steps_per_epoch: int | None, source_len: int | None) -> DeclaredLength:
    """Pick the authoritative epoch length before training starts (the first epoch may set it later)."""
    if steps_per_epoch is not None:
        return DeclaredLength(steps_per_epoch, BY_STEPS)
    if source_len is not None:
        return DeclaredLength(source_len, BY_LEN)
    return DeclaredLength(None, None)


def check_epoch_length(
    epoch: int,
    received: int,
    expected: int | None,
    source_kind: str,
    *,
    declared_by: str = BY_LEN,
    extra_is_lower_bound: bool = False,
    n_samples: int | None = None,
    batch_size: int | None = None,
) -> Finding | None:
    """Judge one finished epoch: ``None`` when it had the declared length.

    ``received`` counts every batch the source produced this epoch, including extra batches that
    were consumed but not trained on. ``n_samples`` and ``batch_size``, when known, let the message
    show the floor-versus-ceil arithmetic that is the most common cause.
    """
    if received == 0 and not expected:
        return _no_batches(epoch, source_kind)
    if expected is None or received == expected:
        return None
    context = _Context(epoch, received, expected, source_kind, declared_by, n_samples, batch_size)
    if received < expected:
        return _short_epoch(context)
    return _extra_batches(context, lower_bound=extra_is_lower_bound)


def empty_batch_finding(
    epoch: int, batch_index: int, expected: int | None, source_kind: str, *, declared_by: str | None = BY_LEN
) -> Finding:
    """A batch with zero rows: the source ran past its real end without saying so.

    A Sequence that slices ``X[i*bs:(i+1)*bs]`` returns empty tensors beyond the data instead of
    raising IndexError, so a ``__len__`` that is too large shows up as empty batches, which would
    otherwise turn the mean loss into NaN.
    """
    declared = f" of the {expected} declared" if expected is not None else ""
    return Finding(
        id="empty-batch",
        severity=Severity.ERROR,
        message=f"epoch {epoch}: batch {batch_index}{declared} from the {source_kind} is empty (0 rows)",
        fix=(
            "make the source's length match its data: for n samples use ceil(n / batch_size) "
            "batches, and raise IndexError past the end"
        ),
        evidence={
            "epoch": epoch,
            "batch_index": batch_index,
            "expected": expected,
            "source_kind": source_kind,
            "declared_by": declared_by,
            "details": [
                "Likely causes:",
                f"  - the {source_kind}'s declared length ({declared_by}) is larger than its data, "
                "and indexing past the end returns an empty slice instead of raising IndexError",
                "  - steps_per_epoch computed with the wrong batch size",
            ],
        },
    )


def _no_batches(epoch: int, source_kind: str) -> Finding:
    return Finding(
        id="epoch-empty",
        severity=Severity.ERROR,
        message=f"epoch {epoch}: the {source_kind} yielded no batches at all",
        fix=(
            "check that the data is not empty and that a generator function yields (x, y) pairs instead "
            "of returning them; a generator object can only be iterated once"
        ),
        evidence={
            "epoch": epoch,
            "received": 0,
            "source_kind": source_kind,
            "details": [
                "Likely causes:",
                "  - the data is empty (a filter removed every row, a wrong file or split)",
                "  - a generator object was already consumed (by an earlier epoch, a peek, or list())",
            ],
        },
    )


@dataclass(frozen=True)
class _Context:
    epoch: int
    received: int
    expected: int
    source_kind: str
    declared_by: str
    n_samples: int | None
    batch_size: int | None

    def evidence(self, details: list[str]) -> dict[str, object]:
        return {
            "epoch": self.epoch,
            "received": self.received,
            "expected": self.expected,
            "source_kind": self.source_kind,
            "declared_by": self.declared_by,
            "n_samples": self.n_samples,
            "batch_size": self.batch_size,
            "details": details,
        }

    def arithmetic(self) -> str | None:
        """``"100 samples at batch_size 32 make ceil(100/32) = 4 batches (100 // 32 = 3)"``."""
        if not self.n_samples or not self.batch_size:
            return None
        n, bs = self.n_samples, self.batch_size
        return (
            f"{n} samples at batch_size {bs} make ceil({n}/{bs}) = {math.ceil(n / bs)} batches "
            f"(floor: {n} // {bs} = {n // bs})"
        )


def _batches(n: int) -> str:
    return "batch" if n == 1 else "batches"


def _short_epoch(c: _Context) -> Finding:
    causes, fix = _short_causes(c)
    details = [f"source: {c.source_kind}; expected length from {c.declared_by}", "Likely causes:"]
    details += [f"  - {cause}" for cause in causes]
    if (arith := c.arithmetic()) is not None:
        details.append(f"Arithmetic: {arith}")
    return Finding(
        id="epoch-too-short",
        severity=Severity.ERROR,
        message=(
            f"epoch {c.epoch} ended after {c.received} {_batches(c.received)}, "
            f"but {c.expected} were expected "
            f"(from {c.declared_by}); training stopped"
        ),
        fix=fix,
        evidence=c.evidence(details),
    )


def _short_causes(c: _Context) -> tuple[list[str], str]:
    swallowed = (
        "an exception caught inside the generator ends it silently "
        "(e.g. `except Exception: return`, or StopIteration raised by next() inside it)"
    )
    floor_ceil = (
        "steps_per_epoch computed with the wrong batch size or with floor instead of ceil "
        "(n // batch_size drops the last partial batch; ceil(n / batch_size) counts it)"
    )
    if c.source_kind == "iterator":
        return (
            [
                f"the generator/iterator is not infinite: it ran dry during epoch {c.epoch}, and a "
                "generator object cannot be restarted",
                swallowed,
            ],
            "make the generator infinite (wrap its body in `while True:`), or pass the generator "
            "function itself so it is called anew each epoch",
        )
    if c.source_kind == GENERATOR_OBJECT:  # Keras/Lightning: a generator object read across epochs
        return (
            [
                swallowed,
                f"the generator is not endless: it ran dry after {c.received} of {c.expected} batches, and "
                "a generator object cannot restart",
            ],
            "let exceptions inside the generator propagate (log and re-raise instead of `break`/`return`), "
            "and make it endless (`while True:`) when steps_per_epoch is given",
        )
    if c.declared_by == BY_STEPS:
        return (
            [
                floor_ceil,
                f"the {c.source_kind} ends early: {swallowed}",
                "a generator that is not infinite was given steps_per_epoch larger than its length",
            ],
            f"set steps_per_epoch to the real number of batches ({c.received} here), or leave it "
            "out so the source's own length is used",
        )
    if c.declared_by == BY_FIRST_EPOCH:
        return (
            [
                f"the {c.source_kind} yielded {c.expected} batches in the first epoch but fewer now: it "
                "probably depends on state used up by an earlier epoch (an iterator or file handle "
                "created outside the function)",
                swallowed,
            ],
            "create every iterator inside the generator function so each call starts fresh, or pass "
            "steps_per_epoch with an infinite generator",
        )
    return (
        [
            f"the {c.source_kind}'s __len__ reports {c.expected} but iteration yields {c.received}: "
            "__len__ computed with the wrong batch size, or with floor where ceil was meant",
            f"the {c.source_kind} ends early: {swallowed}",
            "the underlying data shrank after the length was computed",
        ],
        "make __len__ return the number of batches iteration really yields "
        "(ceil(n_samples / batch_size) when the last partial batch is kept)",
    )


def _extra_batches(c: _Context, *, lower_bound: bool) -> Finding:
    extra = c.received - c.expected
    amount = f"at least {extra}" if lower_bound else str(extra)
    details = [
        f"source: {c.source_kind}; expected length from {c.declared_by}",
        f"Trained on the first {c.expected} batches of each epoch; the remaining {amount} were consumed "
        "and counted but not trained on, so per-step schedulers sized for the declared length stay valid.",
    ]
    if (arith := c.arithmetic()) is not None:
        details.append(f"Arithmetic: {arith}")
    if c.declared_by == BY_STEPS:
        fix = (
            "leave steps_per_epoch out to use every batch, or set it to the real number of batches "
            "(ceil(n_samples / batch_size))"
        )
    elif c.declared_by == BY_FIRST_EPOCH:
        fix = "pass steps_per_epoch if epochs are meant to vary in length"
    else:
        fix = "make __len__ return the number of batches iteration really yields"
    return Finding(
        id="epoch-extra-batches",
        severity=Severity.WARNING,
        message=(
            f"epoch {c.epoch}: the {c.source_kind} yielded {amount} {_batches(extra)} "
            f"beyond the {c.expected} "
            f"declared (from {c.declared_by}); they were not trained on"
        ),
        fix=fix,
        evidence=c.evidence(details) | {"extra": extra, "extra_is_lower_bound": lower_bound},
    )


def len_too_small_finding(
    source: str,
    declared: int,
    past_end: int,
    *,
    unit: str,
    found: str,
    unseen: str,
    fix: str,
    probe: str,
    past_end_is_lower_bound: bool = False,
    error: bool = True,
    evidence: dict[str, object] | None = None,
) -> Finding:
    """``source.__len__`` returns ``declared``, but the data goes on for ``past_end`` more ``unit``.

    The framework never reads past ``len()``, so counting batches cannot see this; the adapters find
    it by probing past the end once at fit start (``probe`` says how: an index, or a separate
    iterator). ``found`` is what the probe met there, ``unseen`` what that costs the user.
    ``error=False`` (the framework still reads every item, only the length is wrong) makes it a
    warning.
    """
    amount = f"at least {past_end}" if past_end_is_lower_bound else str(past_end)
    return Finding(
        id="len-too-small",
        severity=Severity.ERROR if error else Severity.WARNING,
        message=(f"{source}.__len__ returns {declared}, but {found} ({amount} {unit} past len()): {unseen}"),
        fix=fix,
        evidence={
            "source": source,
            "declared": declared,
            "unit": unit,
            "past_end": past_end,
            "past_end_is_lower_bound": past_end_is_lower_bound,
            **(evidence or {}),
            "details": [
                f"{probe}; the training loop itself stops at len() and never asks for more.",
                "Likely causes:",
                "  - __len__ returns a constant, or uses the wrong batch size or sample count",
                "  - __len__ uses floor where the data has a last partial batch",
            ],
        },
    )
