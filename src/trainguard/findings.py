"""A finding: one thing noticed about the data, the split or the training, with the evidence.

Findings are how every stage reports what it noticed without stopping: the workflow collects them,
prints them, and stores them in the run's manifest. ``id`` is stable so people can search for it,
silence it or allow it (``--allow ID``) across versions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """What was found, why it matters, and what to do about it."""

    id: str
    severity: Severity
    message: str
    fix: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def one_line(self) -> str:
        text = f"[{self.id}] {self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text

    def _repr_html_(self) -> str:
        from trainguard.report.notebook import finding_html

        return finding_html(self)
