"""The PyTorch MLP as a `trainguard train` candidate: validation-driven epochs, refit, saved runs."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import skops.io as sio
import torch

import trainguard
from datagen import make_table
from trainguard.data.schema import coerce_features, infer_schema
from trainguard.models import ModelContext, resolve_candidates
from trainguard.models.mlp import MultilayerPerceptron
from trainguard.models.persist import TRUSTED_TYPES
from trainguard.models.threads import torch_threads


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    """Tiny networks train several times faster on one thread than on two contended ones."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_mlp_is_registered_and_a_default_candidate():
    assert [c.name for c in resolve_candidates(["mlp"])] == ["baseline", "mlp"]
    assert "mlp" in [c.name for c in resolve_candidates(None)]


def test_training_stays_within_the_cpu_budget_and_restores_torch_threads():
    torch.set_num_threads(2)
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2
    with torch_threads(-1):  # "all cores": torch's own setting
        assert torch.get_num_threads() == 2


def _prepared(task: str = "binary", n: int = 300):
    frame = make_table(task, n=n)
    schema = infer_schema(frame, target="churned", drop=["customer_id"])
    X, y = coerce_features(frame, schema), frame["churned"]
    return MultilayerPerceptron(ModelContext(task=task, schema=schema, seed=3)), X, y


def test_epochs_are_early_stopped_on_inner_training_rows_never_on_the_scored_rows_then_refit_on_all():
    candidate, X, y = _prepared()
    train, val = slice(0, 200), slice(200, 260)
    fitted = candidate.fit(X.iloc[train], y.iloc[train], X.iloc[val], y.iloc[val])
    model = fitted.named_steps["model"]
    state = model.trainer_.fit_state
    # 15% of the training rows steered stopping; the 60 validation rows (scored later) did not.
    assert state.train.n_samples == 170 and state.val.n_samples == 30
    assert model.early_stopping and 1 <= model.best_epoch_ <= model.n_epochs_
    # Validation rows with every label flipped change nothing: they never reach early stopping.
    flipped = y.iloc[val].map({"yes": "no", "no": "yes"})
    again = candidate.fit(X.iloc[train], y.iloc[train], X.iloc[val], flipped).named_steps["model"]
    assert again.best_epoch_ == model.best_epoch_
    assert np.allclose(again.predict_proba(fitted[:-1].transform(X.iloc[val])),
                       model.predict_proba(fitted[:-1].transform(X.iloc[val])))
    final = candidate.refit(fitted, X.iloc[:260], y.iloc[:260]).named_steps["model"]
    assert final.trainer_.fit_state.train.n_samples == 260 and final.trainer_.fit_state.val is None
    assert final.n_epochs_ == final.max_epochs == model.best_epoch_
    assert candidate.params(fitted) == {"seed": 3, "best_epoch_": model.best_epoch_}


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_trained_run_reloads_predicts_the_same_and_beats_the_baseline(tmp_path, task):
    frame = make_table(task, n=300)
    run = trainguard.train(frame, "churned", models=["mlp"], out=tmp_path / task, drop=["customer_id"])
    assert run.model_name == "mlp"
    # The saved file names nothing beyond what persist trusts explicitly (or skops by default).
    named = set(sio.get_untrusted_types(file=run.path / "model.skops"))
    assert {t for t in named if t.startswith(("trainguard.", "torch."))} <= TRUSTED_TYPES
    new = frame.drop(columns="churned")
    reloaded = trainguard.load_run(run.path)
    np.testing.assert_array_equal(reloaded.predict(new), run.predict(new))
    if task == "binary":
        np.testing.assert_array_equal(reloaded.predict_proba(new), run.predict_proba(new))
    metric = run.metric
    model = run.metrics["test"]["model"]["metrics"][metric]
    baseline = run.metrics["test"]["baseline"]["metrics"][metric]
    assert (model < baseline) if metric == "rmse" else (model > baseline)
