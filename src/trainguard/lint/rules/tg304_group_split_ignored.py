"""TG304 group-split-ignored: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG304."""
    return analysis.from_dataflow("TG304")


RULE = Rule(
    code="TG304",
    name="group-split-ignored",
    severity=Severity.WARNING,
    message="Rows that belong to one entity (a patient, user or subject) are split at random.",
    why=(
        "When a patient (user, subject, device) has several rows and the code itself groups them "
        "(`df.groupby('patient_id')`), a random split puts some of that patient's rows in training and "
        "the rest in the test set. The model learns the patient, not the disease, and the test score "
        "says nothing about new patients."
    ),
    fix=(
        "Split by the entity: `GroupShuffleSplit(...).split(X, y, groups=df['patient_id'])` or "
        "`GroupKFold` in cross-validation, so each patient is on one side only."
    ),
    example=(
        "df['n_visits'] = df.groupby('patient_id')['day'].transform('count')\n"
        "train, test = train_test_split(df, random_state=0)\n"
    ),
    clean_example=(
        "gss = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0)\n"
        "train_idx, test_idx = next(gss.split(df, groups=df['patient_id']))\n"
    ),
    pitfall=2,
    check=check,
)
