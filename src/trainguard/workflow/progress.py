"""How the workflow tells its caller what it is doing, without knowing who is listening.

The workflow calls these hooks; the CLI implements them with rich tables and a progress display,
the Python API stays silent by default, and tests can record them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trainguard.data.schema import Schema
    from trainguard.data.target import Target
    from trainguard.diagnose.findings import Finding
    from trainguard.search.select import CandidateResult, Leaderboard
    from trainguard.split.splitter import Split
    from trainguard.workflow.run import Run


class Reporter:
    """No-op hooks; subclass and override what you want to show."""

    @contextmanager
    def stage(self, title: str) -> Iterator[None]:
        yield

    def data(self, summary: dict[str, Any]) -> None: ...

    def roles(self, schema: Schema, target: Target) -> None: ...

    def split(self, split: Split) -> None: ...

    def candidate(self, result: CandidateResult) -> None: ...

    def leaderboard(self, board: Leaderboard) -> None: ...

    def finding(self, finding: Finding) -> None: ...

    def done(self, run: Run) -> None: ...
