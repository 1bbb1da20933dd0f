"""Deadlines for fits that grow in steps, passing at a known step instead of a clock time."""

from __future__ import annotations


class AfterChecks:
    """A deadline (``trainguard.models.base.Deadline``) that passes after ``n`` checks: LightGBM's
    and XGBoost's deadline callbacks check once per boosting round, histogram boosting once per
    step of rounds."""

    def __init__(self, n: int) -> None:
        self.left = n

    def past_deadline(self) -> bool:
        self.left -= 1
        return self.left < 0

    def seconds_left(self) -> float | None:
        return None  # no clock: only past_deadline says when
