"""A finding: one thing noticed about the data, the split or the training, with the evidence.

Findings are how every stage reports what it noticed without stopping: the workflow collects them,
prints them, and stores them in the run's manifest. ``id`` is stable so people can search for it,
silence it or allow it (``--allow ID``) across versions.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
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


def plain(value: Any) -> Any:
    """A value as the Python value a user would write, safe in JSON: ``1``, not ``np.int64(1)``;
    a missing number as None, an infinity as ``"inf"``, a date as ISO text."""
    # NumPy scalars (np.int64(1), np.float32(2.5)) by duck type: this module is imported by
    # ``trainguard lint``, which must start without importing NumPy.
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)


def shown(value: Any) -> str:
    """A value (or a list of them) as user-facing text shows it: text quoted, numbers as written
    (``'yes'``, ``1``, ``2.5``, ``['a', 1]``), never a NumPy or pandas repr."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    value = plain(value)
    return repr(value) if isinstance(value, str) else str(value)
