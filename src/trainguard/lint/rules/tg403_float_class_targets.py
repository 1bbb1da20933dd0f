"""TG403 float-class-targets: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG403."""
    return analysis.from_nnchecks("TG403")


RULE = Rule(
    code="TG403",
    name="float-class-targets",
    severity=Severity.WARNING,
    message="Class indices are converted to float before `CrossEntropyLoss` or `NLLLoss`.",
    why=(
        "These losses take class indices as integers (`long`); float targets are read as class "
        "probabilities of the wrong shape, which fails or silently trains on the wrong objective."
    ),
    fix="Pass integer class indices (`y.long()`), or use `BCEWithLogitsLoss` for a single binary output.",
    example="loss = nn.CrossEntropyLoss()(logits, yb.float())\n",
    clean_example="loss = nn.CrossEntropyLoss()(logits, yb.long())\n",
    pitfall=11,
    check=check,
)
