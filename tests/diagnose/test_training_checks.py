"""After training: overfitting and underfitting, judged against the baseline."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from trainguard.diagnose.findings import Severity
from trainguard.diagnose.training_checks import check_training
from trainguard.evaluate.metrics import get_metric
from trainguard.search.select import CandidateResult, Leaderboard


def board(metric: str, task: str, train: float, val: float, base: float) -> Leaderboard:
    model = SimpleNamespace(name="forest", is_baseline=False)
    dummy = SimpleNamespace(name="baseline", is_baseline=True)
    return Leaderboard(get_metric(metric, task), [
        CandidateResult(model, None, val, train, 1.0),  # type: ignore[arg-type]
        CandidateResult(dummy, None, base, base, 0.1),  # type: ignore[arg-type]
    ])


@pytest.mark.parametrize(("metric", "task", "train", "val", "base"), [
    ("roc_auc", "binary", 1.0, 0.97, 0.5),       # a forest: perfect on train, excellent on val
    ("roc_auc", "binary", 0.85, 0.83, 0.5),      # a linear model
    ("rmse", "regression", 48.0, 55.0, 77.0),    # diabetes-like
])
def test_healthy_models_raise_nothing(metric, task, train, val, base):
    assert check_training(board(metric, task, train, val, base)) == []


def test_overfitting_warning():
    [finding] = check_training(board("roc_auc", "binary", 1.0, 0.55, 0.5))
    assert finding.id == "overfitting" and finding.severity == Severity.WARNING
    assert finding.evidence["share_of_gain_kept"] == pytest.approx(0.1)


def test_overfitting_regression_loss():
    [finding] = check_training(board("rmse", "regression", 5.0, 60.0, 77.0))
    assert finding.id == "overfitting"


def test_underfitting():
    [finding] = check_training(board("roc_auc", "binary", 0.53, 0.52, 0.5))
    assert finding.id == "underfitting" and finding.severity == Severity.WARNING


def test_no_better_than_baseline_is_left_to_its_own_finding():
    assert check_training(board("roc_auc", "binary", 0.9, 0.49, 0.5)) == []
