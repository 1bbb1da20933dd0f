"""What every training guard shares: the warning category, the error type and how findings surface.

Guards judge with pure functions that return :class:`~trainguard.findings.Finding` objects, so the
decision can be tested without a training loop. The Trainer then turns an *error* finding into a
:class:`GuardError` (training cannot go on meaningfully) and a *warning* finding into a
:class:`TrainguardWarning` (or a console line when the Trainer is verbose), and keeps every finding
in ``trainer.findings`` so a run folder can store them.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterable
from types import FrameType

from trainguard.errors import TrainguardError
from trainguard.findings import Finding, Severity


class TrainguardWarning(UserWarning):
    """Something about the training looks wrong but may be intended.

    A dedicated category so users can silence or escalate exactly these:
    ``warnings.simplefilter("error", TrainguardWarning)``.
    """


class GuardError(TrainguardError):
    """A guard stopped training; the message is a multi-line diagnosis whose first line is a summary.

    ``finding`` holds the same diagnosis in structured form (evidence as plain data) so callers can
    store it or inspect it in tests without parsing text.
    """

    def __init__(self, finding: Finding, *, where: str | None = None) -> None:
        self.finding = finding
        super().__init__(finding.message, where=where, fix=finding.fix or None)

    @property
    def message(self) -> str:
        summary = f"{self.where}: {self.what}." if self.where else f"{self.what}."
        lines = [summary, *render_details(self.finding)]
        if self.fix:
            lines.append(f"Fix: {self.fix.rstrip('.')}.")
        return "\n".join(lines)


def render_details(finding: Finding) -> list[str]:
    """The indented explanation lines a guard stored under ``evidence["details"]``."""
    return [f"  {line}" for line in finding.evidence.get("details", [])]


def render(finding: Finding) -> str:
    """A finding as readable text: summary, details, then the fix."""
    lines = [f"[{finding.id}] {finding.message}", *render_details(finding)]
    if finding.fix:
        lines.append(f"  Fix: {finding.fix}")
    return "\n".join(lines)


def first_error(findings: Iterable[Finding]) -> Finding | None:
    return next((f for f in findings if f.severity is Severity.ERROR), None)


def _caller_outside_trainguard() -> int:
    """The ``stacklevel`` that points a warning at the user's line (``trainer.fit(...)``), not at ours."""
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("trainguard."):
        frame, level = frame.f_back, level + 1
    return level


def surface(
    finding: Finding | None,
    findings: list[Finding],
    *,
    error: type[GuardError],
    where: str,
    verbose: bool = False,
) -> None:
    """How a framework callback reports: keep the finding, raise ``error`` for an error, else warn."""
    if finding is None:
        return
    if finding not in findings:
        findings.append(finding)
    if finding.severity is Severity.ERROR:
        raise error(finding, where=where)
    warn_finding(finding, printer=print if verbose else None)


def warn_finding(finding: Finding, *, printer: Callable[[str], None] | None = None) -> None:
    """Surface a non-fatal finding once: printed when the Trainer talks, else a Python warning.

    Python warnings are the default because they reach every environment (scripts, notebooks,
    pytest) and users already know how to filter them; a verbose Trainer prints instead so the
    message is not shown twice.
    """
    if printer is not None:
        printer(render(finding))
    else:
        warnings.warn(render(finding), TrainguardWarning, stacklevel=_caller_outside_trainguard())
