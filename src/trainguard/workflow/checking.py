"""``trainguard check``: the first stages of ``train`` (prepare, split, check), and nothing trained.

The split is the one ``train`` makes with the same options (``split``, ``group``, ``time``,
``seed``), so the leakage check uses exactly the training rows ``train`` would.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trainguard.config import TrainConfig
from trainguard.diagnose.run import sort_findings
from trainguard.findings import Finding, Severity
from trainguard.workflow import stages
from trainguard.workflow.training import make_config


@dataclass
class CheckReport:
    """What ``trainguard check`` found, with enough context to print or serialise it."""

    source: str
    rows: int
    columns: int
    target: str
    task: str
    split: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {str(s): sum(f.severity == s for f in self.findings) for s in Severity}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "rows": self.rows, "columns": self.columns,
                "target": self.target, "task": self.task, "split": self.split,
                "counts": self.counts(), "findings": [f.to_dict() for f in self.findings]}


def check(data: pd.DataFrame | str | os.PathLike[str], target: str | None = None, *,
          config: TrainConfig | None = None, **options: Any) -> CheckReport:
    """Run the data, leakage and split checks as ``train`` would, without training."""
    settings = make_config(target, config, options).settings()
    prepared = stages.prepare(data, settings)
    split = stages.split(prepared, settings)
    findings = stages.check(prepared, split, settings)
    return CheckReport(
        source=prepared.source, rows=prepared.n_rows_read, columns=int(prepared.frame.shape[1]),
        target=settings.config.target, task=prepared.target.task,
        split={"strategy": split.strategy, "sizes": split.sizes(), "seed": settings.config.seed},
        findings=sort_findings(findings),
    )
