"""TG502 unseeded-estimator: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG502."""
    return analysis.from_dataflow("TG502")


RULE = Rule(
    code="TG502",
    name="unseeded-estimator",
    severity=Severity.INFO,
    message="A randomised estimator or resampler is built without `random_state`.",
    why=(
        "Random forests, boosting with subsampling, SGD, neural networks and SMOTE draw random numbers; "
        "without a seed two runs give different models and scores."
    ),
    fix="Pass `random_state=<int>` to the estimator (or seed NumPy's global generator once).",
    example="model = RandomForestClassifier(n_estimators=300)\n",
    clean_example="model = RandomForestClassifier(n_estimators=300, random_state=0)\n",
    pitfall=15,
    check=check,
)
