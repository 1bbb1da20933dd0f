"""What the Keras, skorch and Lightning ``TrainGuard`` callbacks share: their options, findings and stops.

Each adapter is ``class TrainGuard(GuardCallback, <framework's Callback>)``: this class holds the one
constructor signature (so the three take the same options), builds the guards of
:mod:`trainguard.guards.core` at fit start, and surfaces findings the same way (keep every one,
raise for an error, warn otherwise). Nothing here imports a deep-learning framework.
"""

from __future__ import annotations

from typing import Any, ClassVar

from trainguard.findings import Finding
from trainguard.guards.base import GuardError, surface
from trainguard.guards.core import GuardSet
from trainguard.guards.epoch_length import EpochLengthError


class GuardCallback:
    """The options and the finding handling of a framework's ``TrainGuard`` callback.

    ``nonfinite``: ``"stop"`` (raise with a diagnosis), ``"skip_batch"`` (skip the optimizer step),
    ``"reduce_lr"`` (skip it and divide the learning rate by 10) or ``None`` (off).
    ``epoch_length``, ``loss_mismatch``: turn those guards off with ``False``. ``data_checks``: the
    checks that look at the data itself rather than count it (past the end of ``len()``, repeating
    batches, NaN in the arrays handed to ``fit``), which read a little of the data once at fit start.
    ``verbose``: print warnings instead of issuing Python warnings.

    ``__init__`` stores the options only (skorch clones callbacks through their parameters);
    everything learned during a fit is created at fit start.
    """

    #: Where the adapter's messages say they come from: ``"keras TrainGuard: ..."``.
    where: ClassVar[str] = "TrainGuard"

    def __init__(
        self,
        nonfinite: str | None = "stop",
        *,
        epoch_length: bool = True,
        loss_mismatch: bool = True,
        data_checks: bool = True,
        verbose: bool = False,
    ) -> None:
        super().__init__()  # the framework's Callback, next in the MRO
        self.nonfinite = nonfinite
        self.epoch_length = epoch_length
        self.loss_mismatch = loss_mismatch
        self.data_checks = data_checks
        self.verbose = verbose

    @property
    def findings(self) -> list[Finding]:
        """Every finding of the last fit, warnings and errors alike (empty before the first)."""
        guards: GuardSet | None = self.__dict__.get("_guards")
        return [] if guards is None else guards.findings

    def _begin_fit(self, **build: Any) -> GuardSet:
        """A fresh set of guards for this fit, as the options ask (``build``: what the loop adds)."""
        self._guards = GuardSet.build(
            self.nonfinite, epoch_length=self.epoch_length, loss_mismatch=self.loss_mismatch, **build
        )
        return self._guards

    def _stop_if_error(self, finding: Finding | None, error: type[GuardError] = EpochLengthError) -> None:
        """Keep ``finding``; raise ``error`` for an error finding, else warn (or print when verbose)."""
        surface(finding, self.findings, error=error, where=self.where, verbose=self.verbose)
