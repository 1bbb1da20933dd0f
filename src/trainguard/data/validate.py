"""Checking new data against the schema a model was trained on, before scoring it.

A model silently scoring a file whose columns moved, changed type or gained new categories is
one of the quietest ways to ship wrong predictions. Each mismatch is either an error that names
the column, or a finding that counts what was affected.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from trainguard.data.schema import Role, Schema, as_category_labels, coerce_features
from trainguard.errors import SchemaMismatchError
from trainguard.findings import Finding, Severity, shown


def check_duplicate_columns(frame: pd.DataFrame, where: str) -> None:
    duplicated = sorted({str(c) for c, n in Counter(frame.columns).items() if n > 1})
    if duplicated:
        raise SchemaMismatchError(
            f"column name(s) appear more than once: {', '.join(duplicated)}", where=where,
            fix="give every column a distinct name",
        )


def _unseen_categories(frame: pd.DataFrame, schema: Schema) -> list[Finding]:
    findings = []
    for spec in schema.columns:
        if spec.role != Role.CATEGORICAL or spec.categories is None:
            continue
        labels = as_category_labels(frame[spec.name]).dropna()
        unseen = labels[~labels.isin(set(spec.categories))]
        if len(unseen):
            examples = unseen.value_counts().head(3).index.tolist()
            findings.append(Finding(
                id="unseen-categories",
                severity=Severity.WARNING,
                message=(f"column {spec.name!r}: {len(unseen)} row(s) hold categories never seen "
                         f"in training (e.g. {shown(examples)}); the model treats them as unknown"),
                fix="check for typos or new codes; retrain on data that includes them",
                evidence={"column": spec.name, "rows": int(len(unseen)), "examples": examples},
            ))
    return findings


def check_new_data(
    frame: pd.DataFrame, schema: Schema, *, target: str, where: str
) -> tuple[pd.DataFrame, list[Finding]]:
    """The feature frame to score, plus warnings; raises on a column that cannot be used."""
    check_duplicate_columns(frame, where)
    missing = [name for name in schema.feature_names if name not in frame.columns]
    if missing:
        raise SchemaMismatchError(
            f"{len(missing)} column(s) the model was trained on are missing: {', '.join(missing)}",
            where=where,
            fix="add those columns (blank values are fine) or retrain without them (--drop)",
        )
    findings: list[Finding] = []
    known = set(schema.names) | {target}
    extra = [str(c) for c in frame.columns if c not in known]
    if extra:
        findings.append(Finding(
            id="extra-columns",
            severity=Severity.WARNING,
            message=f"{len(extra)} column(s) not used by the model are ignored: {', '.join(extra[:10])}",
            fix="nothing to do if expected; otherwise check you passed the right file",
            evidence={"columns": extra},
        ))
    features = coerce_features(frame, schema, strict=True)
    findings += _unseen_categories(frame, schema)
    return features, findings
