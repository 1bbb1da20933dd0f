"""TG205 duplicated-rows-before-split: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG205."""
    return analysis.from_dataflow("TG205")


RULE = Rule(
    code="TG205",
    name="duplicated-rows-before-split",
    severity=Severity.ERROR,
    message="Rows are concatenated with copies of themselves before the data is split.",
    why=(
        "`pd.concat([df, df.sample(frac=0.3)])`, `np.vstack([X, X[y == 1]])` or `pd.concat([df] * 3)` "
        "make duplicate rows. A random split then puts copies of the same row on both sides: the model "
        "is scored on rows it was trained on, and the score is optimistic (more so for models that "
        "memorise, such as trees and nearest neighbours)."
    ),
    fix=(
        "Split first, then duplicate or oversample the training rows only (or use imbalanced-learn's "
        "`RandomOverSampler` inside an `imblearn.pipeline.Pipeline`)."
    ),
    example="df = pd.concat([df, df[df.fraud == 1]])\ntrain, test = train_test_split(df, random_state=0)\n",
    clean_example=(
        "train, test = train_test_split(df, random_state=0)\n"
        "train = pd.concat([train, train[train.fraud == 1]])\n"
    ),
    pitfall=2,
    check=check,
)
