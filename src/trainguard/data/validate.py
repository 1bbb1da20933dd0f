"""Checking new data against the schema a model was trained on, before scoring it.

A model silently scoring a file whose columns moved, changed type or gained new categories is
one of the quietest ways to ship wrong predictions. Each mismatch is either an error that names
the column, or a finding that counts what was affected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pandas as pd

from trainguard.data.schema import Role, Schema, coerce_features
from trainguard.errors import SchemaMismatchError
from trainguard.findings import Finding, Severity, shown


def check_duplicate_columns(frame: pd.DataFrame, where: str) -> None:
    duplicated = sorted({str(c) for c, n in Counter(frame.columns).items() if n > 1})
    if duplicated:
        raise SchemaMismatchError(
            f"column name(s) appear more than once: {', '.join(duplicated)}", where=where,
            fix="give every column a distinct name",
        )


class NewRowsCheck:
    """:func:`check_new_data` one chunk of rows at a time, so scoring a large file never holds a
    second, coerced copy of the whole frame.

    The column checks (duplicates, missing, extra columns) run on the whole frame when the check
    is made: they read names only. Each chunk is then coerced strictly; a value that does not fit
    its column raises the same error the whole frame would (the frame is re-checked column by
    column, on that error path only, so the count and examples cover every row). Unseen categories
    are counted across chunks; their findings join :attr:`findings` after the last chunk.
    """

    def __init__(self, frame: pd.DataFrame, where: str, schema: Schema, *, target: str) -> None:
        self.frame = frame
        self.schema = schema
        self.findings = _column_findings(frame, schema, target, where)
        # The known labels of each categorical column, built once for every chunk.
        self._known = {spec.name: set(spec.categories) for spec in schema.columns
                       if spec.role == Role.CATEGORICAL and spec.categories is not None}
        self._unseen: dict[str, Counter[Any]] = {}

    def chunks(self, rows: int) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        """``(rows as given, features to score)`` for consecutive slices of at most ``rows`` rows."""
        for start in range(0, max(len(self.frame), 1), rows):
            part = self.frame.iloc[start:start + rows]
            try:
                features = coerce_features(part, self.schema, strict=True)
            except SchemaMismatchError:
                self._raise_for_whole_frame()
                raise
            self._count_unseen(features)
            yield part, features
        self.findings += _unseen_findings(self.schema, self._unseen)

    def _raise_for_whole_frame(self) -> None:
        for spec in self.schema.columns:
            if spec.is_feature:
                coerce_features(self.frame[[spec.name]], Schema([spec]), strict=True)

    def _count_unseen(self, features: pd.DataFrame) -> None:
        for name, known in self._known.items():
            labels = features[name].dropna()  # coerce_features made them category labels
            unseen = labels[~labels.isin(known)]
            if len(unseen):
                counts = self._unseen.setdefault(name, Counter())
                counts.update(unseen.value_counts(sort=False).to_dict())


def _column_findings(frame: pd.DataFrame, schema: Schema, target: str, where: str) -> list[Finding]:
    check_duplicate_columns(frame, where)
    missing = [name for name in schema.feature_names if name not in frame.columns]
    if missing:
        raise SchemaMismatchError(
            f"{len(missing)} column(s) the model was trained on are missing: {', '.join(missing)}",
            where=where,
            fix="add those columns (blank values are fine) or retrain without them (--drop)",
        )
    known = set(schema.names) | {target}
    extra = [str(c) for c in frame.columns if c not in known]
    if not extra:
        return []
    return [Finding(
        id="extra-columns",
        severity=Severity.WARNING,
        message=f"{len(extra)} column(s) not used by the model are ignored: {', '.join(extra[:10])}",
        fix="nothing to do if expected; otherwise check you passed the right file",
        evidence={"columns": extra},
    )]


def _unseen_findings(schema: Schema, unseen: dict[str, Counter[Any]]) -> list[Finding]:
    findings = []
    for column in [name for name in schema.names if name in unseen]:
        counts = unseen[column]
        rows = sum(counts.values())
        # Most frequent first; ties in order of first appearance (Counter keeps insertion order).
        examples = [label for label, _ in sorted(counts.items(), key=lambda item: -item[1])[:3]]
        findings.append(Finding(
            id="unseen-categories",
            severity=Severity.WARNING,
            message=(f"column {column!r}: {rows} row(s) hold categories never seen "
                     f"in training (e.g. {shown(examples)}); the model treats them as unknown"),
            fix="check for typos or new codes; retrain on data that includes them",
            evidence={"column": column, "rows": int(rows), "examples": examples},
        ))
    return findings


def check_new_data(
    frame: pd.DataFrame, schema: Schema, *, target: str, where: str
) -> tuple[pd.DataFrame, list[Finding]]:
    """The feature frame to score, plus warnings; raises on a column that cannot be used."""
    check = NewRowsCheck(frame, where, schema, target=target)
    [(_, features)] = check.chunks(max(len(frame), 1))
    return features, check.findings
