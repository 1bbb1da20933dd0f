"""TG501 unseeded-split: found by following rows through the script (dataflow.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the data-flow analysis reports under TG501."""
    return analysis.from_dataflow("TG501")


RULE = Rule(
    code="TG501",
    name="unseeded-split",
    severity=Severity.WARNING,
    message="The data is split or shuffled without a seed.",
    why=(
        "Without `random_state`, every run splits differently: scores move from run to run and a result "
        "cannot be reproduced or compared."
    ),
    fix="Pass `random_state=<int>` (or seed NumPy's global generator once with `np.random.seed`).",
    example="X_train, X_test, y_train, y_test = train_test_split(X, y)\n",
    clean_example="X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n",
    pitfall=15,
    check=check,
)
