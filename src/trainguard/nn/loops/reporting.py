"""How the loops report a guard finding: kept on ``trainer.findings``, then warned about or raised."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from trainguard.findings import Finding
from trainguard.guards.base import GuardError, warn_finding

if TYPE_CHECKING:
    from trainguard.nn.trainer import Trainer


def warn(trainer: Trainer, finding: Finding) -> None:
    """Keep the finding and tell the user: printed when the Trainer is verbose, else a warning."""
    trainer.findings.append(finding)
    warn_finding(finding, printer=trainer.print if trainer.verbose else None)


def fail(
    trainer: Trainer, error: type[GuardError], finding: Finding | None, others: Sequence[Finding] = ()
) -> NoReturn:
    """Keep the finding (and any that came with it) and raise it as ``error``."""
    assert finding is not None, "callers raise only on a finding"
    trainer.findings.extend([finding, *others])
    raise error(finding, where="Trainer.fit")
