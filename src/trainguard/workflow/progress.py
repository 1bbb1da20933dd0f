"""How the workflow tells its caller what it is doing, without knowing who is listening.

The workflow calls these hooks; the CLI implements them with rich tables and a progress display,
the Python API stays silent by default, and tests can record them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trainguard.data.schema import Schema
    from trainguard.data.target import Target
    from trainguard.findings import Finding
    from trainguard.selection.select import CandidateResult, Leaderboard
    from trainguard.split.splitter import Split
    from trainguard.track.run import Run


class Reporter:
    """No-op hooks; subclass and override what you want to show."""

    @contextmanager
    def stage(self, title: str) -> Iterator[None]:
        yield

    def data(self, summary: dict[str, Any]) -> None: ...

    def roles(self, schema: Schema, target: Target) -> None: ...

    def split(self, split: Split) -> None: ...

    def started(self, path: Path, *, resumable: bool) -> None:
        """The run's destination, known before the search starts (``--resume`` takes it)."""

    def trial(self, candidate: str, done: int, total: int | None, best: float,
              seconds_left: float | None) -> None:
        """A search trial finished: trials done (of ``total``, None when only time limits it),
        the best score so far, and the seconds left of the time budget (None without one)."""

    def candidate(self, result: CandidateResult) -> None: ...

    def leaderboard(self, board: Leaderboard) -> None: ...

    def finding(self, finding: Finding) -> None: ...

    def warning(self, message: str) -> None:
        """Something went wrong that did not stop the run (e.g. MLflow could not be reached).

        Silence is not right here even for the quiet API: a Python warning tells the caller.
        """
        import warnings

        warnings.warn(message, RuntimeWarning, stacklevel=3)

    def tracked(self, uri: str, experiment: str, run_id: str) -> None:
        """The run was logged to MLflow."""

    def done(self, run: Run) -> None: ...
