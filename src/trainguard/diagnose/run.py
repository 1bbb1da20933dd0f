"""Running the checks: before the split, leakage on training rows, after the split, and the refusal.

The workflow's check stage (:func:`trainguard.workflow.stages.check`, used by both ``train`` and
``check``) calls :func:`run_data_checks` right after splitting, before anything is fit or
printed; ``train`` then calls :func:`refuse`, which stops the run on an error finding the user
did not allow with ``--allow ID``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import pandas as pd

from trainguard.data.schema import Schema
from trainguard.data.target import Target
from trainguard.diagnose.data_checks import check_data
from trainguard.diagnose.leakage import check_leakage
from trainguard.diagnose.split_checks import check_split, check_split_labels
from trainguard.errors import ConfigError, DataError
from trainguard.findings import Finding, Severity
from trainguard.split.splitter import Split

#: Findings that ``--allow ID`` acknowledges: leaks a user can know to be harmless (a column that
#: is known at prediction time after all; groups or times that may overlap). An allowed error no
#: longer stops ``train``; an allowed warning (the signal-dominance checks) is kept and marked.
ALLOWABLE = ("target-copy", "target-leak-feature", "target-leak-missingness", "group-overlap",
             "time-overlap", "dominant-feature", "computed-target", "post-outcome-feature")
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
    findings += check_leakage(frame, target, schema, split.train, seed=seed, time=time)
    findings += check_split(frame, schema, split, group=group, time=time, times=times, seed=seed)
    findings += check_split_labels(frame, target, schema, split, seed=seed)
    return findings


def refuse(findings: list[Finding], allow: Iterable[str] = ()) -> list[Finding]:
    """Raise :class:`CheckRefused` on the first error not allowed; allowed findings are kept,
    marked ``"allowed": true`` in their evidence."""
    allowed = set(allow)
    blocking = [f for f in findings if f.severity == Severity.ERROR and f.id not in allowed]
    if blocking:
        raise CheckRefused(blocking[0], blocking[1:])
    return [dataclasses.replace(f, evidence={**f.evidence, "allowed": True})
            if f.id in allowed else f for f in findings]


__all__ = ["ALLOWABLE", "CheckRefused", "refuse", "run_data_checks", "sort_findings", "validate_allow"]
