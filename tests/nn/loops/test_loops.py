"""The Trainer's loops: their pure decisions, and one optimization step's single verdict."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

from trainguard.guards.core import Verdict
from trainguard.nn import Guards, Trainer
from trainguard.nn.data import as_batch_source
from trainguard.nn.loops import EvaluationLoop, OptimizationStep, PredictionLoop, StepResult
from trainguard.nn.loops.fit import lr_logs
from trainguard.nn.loops.optimization import finite_flag, loss_scale_due
from trainguard.nn.loops.stats import EpochStats
from trainguard.nn.loops.training_epoch import count_extra_batches, skip_report

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]


# --- pure decisions --------------------------------------------------------------------------------


def test_skip_report_warns_once_then_records_and_refuses_an_epoch_that_learned_nothing() -> None:
    assert skip_report(0, 10, already_warned=False) == "none"
    assert skip_report(2, 10, already_warned=False) == "warn"
    assert skip_report(2, 10, already_warned=True) == "record"
    assert skip_report(10, 10, already_warned=True) == "raise"


def test_loss_scale_is_read_every_check_every_steps() -> None:
    assert [step for step in range(1, 13) if loss_scale_due(step, 4)] == [4, 8, 12]
    assert all(loss_scale_due(step, 1) for step in range(1, 5))


def test_finite_flag_combines_loss_gradient_norm_and_data() -> None:
    finite, inf = torch.tensor(1.0), torch.tensor(float("inf"))
    assert bool(finite_flag(finite, None, None))
    assert not bool(finite_flag(finite, inf, None))
    assert not bool(finite_flag(torch.tensor(float("nan")), finite, None))
    assert not bool(finite_flag(finite, finite, torch.tensor(False)))
    assert not bool(finite_flag(torch.tensor([1.0, float("nan")]), None, None))  # an unreduced loss


def test_count_extra_batches_reads_the_length_or_counts_up_to_a_cap() -> None:
    x, y = torch.randn(100, 2), torch.randn(100, 1)
    place = {"generator": None, "device": torch.device("cpu"), "float_dtype": torch.float32}
    exact = as_batch_source((x, y), batch_size=10, shuffle=False, **place)
    assert count_extra_batches(exact, iter(()), expected=8) == (2, False)  # from len(), nothing read
    batches = [(x[i : i + 10], y[i : i + 10]) for i in range(0, 100, 10)]
    listed = as_batch_source(lambda: iter(batches), batch_size=10, shuffle=False, **place)
    rest = listed.epoch()
    for _ in range(8):
        next(rest)
    assert count_extra_batches(listed, rest, expected=8) == (2, False)
    endless = as_batch_source(lambda: iter(batches * 100), batch_size=10, shuffle=False, **place)
    assert count_extra_batches(endless, endless.epoch(), expected=3) == (3, True)


def test_lr_logs_name_every_param_group() -> None:
    assert lr_logs([0.1]) == {"lr": 0.1}
    assert lr_logs([0.1, 0.01, 0.001]) == {"lr": 0.1, "lr_1": 0.01, "lr_2": 0.001}


# --- one optimization step ---------------------------------------------------------------------------


def _step(trainer: Trainer, data: Data) -> tuple[OptimizationStep, EpochStats, list]:
    """The step and the batches of a fit on ``data`` (in order), as the epoch loop would hold them."""
    trainer._ensure_seeded()
    callbacks = trainer.callbacks
    state = trainer._start_fit(data, None, 1, None, 32, False, callbacks, trainer.guards, "train")
    return OptimizationStep(trainer, state, callbacks), EpochStats(trainer.device), list(state.train.epoch())


def _weights(module: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(p, q) for p, q in zip(a, b, strict=True))


def _with_nan_batch(data: Data) -> Data:
    x, y = data
    x = x.clone()
    x[32:64] = float("nan")  # the second batch of 32
    return x, y


def test_a_good_step_steps_and_a_bad_one_is_skipped_exactly(regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss(), guards=Guards(nonfinite="skip_batch"))
    step, stats, batches = _step(trainer, _with_nan_batch(regression))
    before = _weights(trainer.module)
    good = step.run(0, 0, batches[0], stats, None)
    assert isinstance(good, StepResult) and good.verdict is Verdict.STEP and not good.skipped
    assert good.pending is None and float(good.loss) > 0 and good.grad_norm is not None
    assert not _same(before, _weights(trainer.module)) and trainer.global_step == 1
    after_good = _weights(trainer.module)
    bad = step.run(0, 1, batches[1], stats, None)
    assert bad.verdict is Verdict.SKIP and bad.skipped
    assert _same(after_good, _weights(trainer.module))  # the NaN batch never reached the weights
    assert trainer.global_step == 2 and stats.skipped == 1 and stats.first_skipped.batch_index == 1


class _Scale(nn.Module):
    """Multiplies by ``factor``: set it to Inf to make the model itself produce a non-finite loss."""

    factor = 1.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.factor


def test_reduce_lr_verdict_skips_and_lowers_the_learning_rate(regression: Data, mlp: MakeMLP) -> None:
    scale = _Scale()
    trainer = Trainer(nn.Sequential(mlp(), scale), nn.MSELoss(), guards=Guards(nonfinite="reduce_lr"))
    step, stats, batches = _step(trainer, regression)
    step.run(0, 0, batches[0], stats, None)
    scale.factor = float("inf")  # model-caused, so a lower lr may help (bad data would just be skipped)
    result = step.run(0, 1, batches[1], stats, None)
    assert result.verdict is Verdict.REDUCE_LR and result.skipped
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(1e-4)


def test_a_deferred_check_returns_the_flag_and_masks_the_gradients(regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(
        mlp(), nn.MSELoss(), optimizer=(torch.optim.SGD, {"lr": 0.1}), guards=Guards(check_every=4)
    )
    step, stats, batches = _step(trainer, _with_nan_batch(regression))
    step.run(0, 0, batches[0], stats, None)
    before = _weights(trainer.module)
    result = step.run(0, 1, batches[1], stats, None)
    assert result.verdict is Verdict.STEP and result.pending is not None and not bool(result.pending)
    assert _same(before, _weights(trainer.module))  # SGD with zeroed gradients leaves the weights alone


# --- evaluation and prediction -----------------------------------------------------------------------


def test_evaluation_and_prediction_loops_restore_the_train_mode(regression: Data, mlp: MakeMLP) -> None:
    model = nn.Sequential(mlp(), nn.Dropout(0.5))
    trainer = Trainer(model, nn.MSELoss())
    x, y = regression
    source = as_batch_source(
        (x, y), batch_size=30, shuffle=False, generator=None, device=trainer.device, float_dtype=torch.float32
    )
    model.train()
    loss = EvaluationLoop(trainer).run(source)["loss"]
    with torch.no_grad():
        model.eval()
        expected = nn.functional.mse_loss(model(x), y).item()
        model.train()
    assert loss == pytest.approx(expected, rel=1e-6)  # dropout off, weighted by rows over 4 batches
    assert model.training
    predictions = PredictionLoop(trainer).run(source)
    assert predictions.shape == (100, 1) and model.training
