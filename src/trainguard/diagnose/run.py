"""Running the checks: before the split, leakage on training rows, after the split, and the refusal.

``trainguard train`` calls :func:`run_data_checks` right after splitting (before anything is
fit or printed) and :func:`refuse` stops the run on an error finding the user did not allow with
``--allow ID``. ``trainguard check`` calls :func:`check`, which loads and splits the data exactly
as ``train`` would with the same options and seed (so the leakage check sees the same training
rows), runs the same checks and trains nothing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from trainguard.data.schema import Schema
from trainguard.data.target import Target
from trainguard.diagnose.data_checks import check_data
from trainguard.findings import Finding, Severity
from trainguard.diagnose.leakage import check_leakage
from trainguard.diagnose.split_checks import check_split
from trainguard.errors import ConfigError, DataError
from trainguard.split.splitter import Split

if TYPE_CHECKING:
    from trainguard.workflow.train import TrainConfig

#: Every finding id trainguard can report; ``--allow`` accepts the error ones.
CHECK_IDS: dict[str, str] = {
    "missing-values": "data", "infinite-values": "data", "constant-column": "data",
    "near-constant-column": "data", "id-like-column": "data", "duplicate-rows": "data",
    "conflicting-labels": "data", "mixed-types": "data", "class-imbalance": "data",
    "small-class": "data", "high-cardinality": "data", "date-column": "data",
    "feature-scales": "data", "missing-target": "data",
    "target-copy": "leakage", "target-leak-feature": "leakage", "target-leak-missingness": "leakage",
    "train-test-duplicates": "split", "group-overlap": "split", "time-overlap": "split",
    "unseen-categories": "split", "distribution-shift": "split",
    "overfitting": "training", "underfitting": "training", "no-better-than-baseline": "training",
    "candidate-failed": "training", "extra-columns": "predict",
}
ALLOWABLE = ("target-copy", "target-leak-feature", "target-leak-missingness", "group-overlap",
             "time-overlap")
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class CheckRefused(DataError):
    """An error finding makes the result meaningless and was not allowed with ``--allow``."""

    def __init__(self, finding: Finding, others: Sequence[Finding] = ()) -> None:
        what = f"{finding.message} [{finding.id}]"
        if others:
            what += f" (and {len(others)} more error(s): {', '.join(sorted({f.id for f in others}))})"
        column = finding.evidence.get("column")
        super().__init__(what, where=f"column {column!r}" if column else None, fix=finding.fix)
        self.finding = finding
        self.others = list(others)


def validate_allow(allow: Iterable[str]) -> list[str]:
    """The ``--allow`` ids, refusing unknown ones before any data is read."""
    ids = [a.strip() for a in allow if a.strip()]
    for check_id in ids:
        if check_id not in ALLOWABLE:
            from difflib import get_close_matches

            close = get_close_matches(check_id, ALLOWABLE, n=1)
            raise ConfigError(
                f"{check_id!r} is not a check that can be allowed",
                where="--allow",
                fix=(f"did you mean {close[0]}?" if close
                     else f"use one of: {', '.join(ALLOWABLE)}"),
            )
    return ids


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def run_data_checks(frame: pd.DataFrame, target: Target, schema: Schema, split: Split, *,
                    group: str | None = None, time: str | None = None,
                    times: pd.Series | None = None, seed: int = 0) -> list[Finding]:
    """Before-split checks, leakage on the training rows, and after-split checks."""
    findings = check_data(frame, target, schema, time=time)
    findings += check_leakage(frame, target, schema, split.train, seed=seed)
    findings += check_split(frame, schema, split, group=group, time=time, times=times, seed=seed)
    return findings


def refuse(findings: list[Finding], allow: Iterable[str] = ()) -> list[Finding]:
    """Raise :class:`CheckRefused` on the first error not allowed; allowed errors are kept, marked
    ``"allowed": true`` in their evidence."""
    allowed = set(allow)
    blocking = [f for f in findings if f.severity == Severity.ERROR and f.id not in allowed]
    if blocking:
        raise CheckRefused(blocking[0], blocking[1:])
    return [dataclasses.replace(f, evidence={**f.evidence, "allowed": True})
            if f.severity == Severity.ERROR else f for f in findings]


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
    """Run the data, leakage and split checks as ``train`` would, without training.

    The split is the one ``train`` makes with the same options (``split``, ``group``, ``time``,
    ``seed``): the leakage check uses its training rows only.
    """
    import importlib

    # ``trainguard.workflow.train`` is also the name of a function re-exported by the package.
    workflow = importlib.import_module("trainguard.workflow.train")

    if config is None:
        if target is None:
            raise ConfigError("no target column given", where="target", fix="pass target='column'")
        config = workflow.TrainConfig(target=target, **options)
    fractions = workflow._check_options(config)
    prepared, findings = workflow._prepare(data, config)
    split = workflow._split(prepared, config, fractions)
    times = workflow._check_time_column(prepared.frame, config.time) if config.time else None
    findings += run_data_checks(prepared.frame, prepared.target, prepared.schema, split,
                                group=config.group, time=config.time, times=times, seed=config.seed)
    return CheckReport(
        source=prepared.source, rows=prepared.n_rows_read, columns=int(prepared.frame.shape[1]),
        target=config.target, task=prepared.target.task,
        split={"strategy": split.strategy, "sizes": split.sizes(), "seed": config.seed},
        findings=sort_findings(findings),
    )


__all__ = ["CHECK_IDS", "CheckRefused", "CheckReport", "check", "refuse", "run_data_checks",
           "validate_allow"]
