"""A deadline for fits that grow in steps, passing after a set number of looks, not at a time."""

from __future__ import annotations


class AfterChecks:
    """A deadline that passes after ``n`` looks at the clock (LightGBM looks once per round,
    histogram boosting and the forests once per step), so a cut is the same on any machine."""

    def __init__(self, n: int) -> None:
        self.left = n

    def past_deadline(self) -> bool:
        self.left -= 1
        return self.left < 0
