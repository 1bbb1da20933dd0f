"""TG406 broadcast-in-regression-loss: found by the structural checks of training code (nnchecks.py)."""

from __future__ import annotations

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.rule import Rule


def check(analysis: Analysis) -> list[Hit]:
    """What the structural checks of training code report under TG406."""
    return analysis.from_nnchecks("TG406")


RULE = Rule(
    code="TG406",
    name="broadcast-in-regression-loss",
    severity=Severity.ERROR,
    message="A regression loss compares a (N, 1) model output with a 1-D target, which broadcasts to (N, N).",
    why=(
        "`MSELoss` between shapes (N, 1) and (N,) does not fail: both broadcast to an (N, N) matrix of every "
        "prediction against every target, so the model learns to predict the mean and the loss looks sane."
    ),
    fix=(
        "Make the shapes equal: `pred.squeeze(1)`, or build the target as a column "
        "(`torch.tensor(y).unsqueeze(1)`)."
    ),
    example=(
        "model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))\n"
        "y = torch.tensor(df['price'].values, dtype=torch.float32)\n"
        "loss = nn.MSELoss()(model(X), y)\n"
    ),
    clean_example=(
        "model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))\n"
        "y = torch.tensor(df['price'].values, dtype=torch.float32)\n"
        "loss = nn.MSELoss()(model(X).squeeze(1), y)\n"
    ),
    pitfall=11,
    check=check,
)
