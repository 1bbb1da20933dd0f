"""After training: overfitting and underfitting, judged against the baseline."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from trainguard.diagnose.training_checks import check_training
from trainguard.evaluate.metrics import get_metric
from trainguard.findings import Severity
from trainguard.selection.select import CandidateResult, Leaderboard


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


def _curve(train, val):
    return [{"loss": a, "val_loss": b} for a, b in zip(train, val, strict=True)]


def test_learning_curve_names_the_epoch_where_validation_loss_turned():
    from trainguard.diagnose.training_checks import read_learning_curve

    train = [1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    val = [1.0, 0.8, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
    finding = read_learning_curve(_curve(train, val), model="mlp")
    assert finding is not None and finding.id == "learning-curve-overfitting"
    assert finding.evidence["best_epoch"] == 3
    assert "epoch 3" in finding.message


def test_learning_curve_is_quiet_when_both_losses_fall_or_only_wobble():
    from trainguard.diagnose.training_checks import read_learning_curve

    falling = _curve([1, 0.8, 0.6, 0.5, 0.4, 0.3], [1, 0.85, 0.7, 0.6, 0.55, 0.5])
    wobble = _curve([1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2], [1, 0.8, 0.7, 0.71, 0.7, 0.72, 0.715])
    both_rise = _curve([1, 0.8, 0.6, 0.7, 0.8, 0.9, 1.0], [1, 0.8, 0.7, 0.8, 0.9, 1.0, 1.1])
    assert read_learning_curve(falling) is None
    assert read_learning_curve(wobble) is None
    assert read_learning_curve(both_rise) is None


def test_train_reports_the_mlp_curve_on_noisy_data(tmp_path):
    import numpy as np

    import trainguard
    from datagen import make_table

    frame = make_table("binary", n=300)
    rng = np.random.default_rng(0)
    for i in range(30):  # many pure-noise columns make a small net overfit quickly
        frame[f"noise{i}"] = rng.normal(size=len(frame))
    run = trainguard.train(frame, "churned", models=["mlp"], out=tmp_path / "r")
    [curve] = [f for f in run.manifest["findings"] if f["id"] == "learning-curve-overfitting"]
    assert curve["evidence"]["model"] == "mlp"
    assert curve["evidence"]["val_loss_last"] > curve["evidence"]["val_loss_best"]
