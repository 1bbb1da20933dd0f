"""The LRFinder callback alone: its rules, its hooks fed known losses, and a plain fit driving it."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import torch
from torch import nn

from trainguard.errors import DataError, TrainguardError
from trainguard.nn import LRFinder, Trainer
from trainguard.nn.callbacks.lr_finder import (
    COMPLETED,
    DIVERGED,
    EXHAUSTED,
    NONFINITE,
    lr_ratios,
    set_lr_,
    smoothed,
    sweep_lr,
)
from trainguard.nn.data import LoadedBatch

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]


def test_sweep_lr_is_geometric_from_start_to_end() -> None:
    lrs = [sweep_lr(1e-6, 1.0, 7, step) for step in range(7)]
    assert lrs[0] == pytest.approx(1e-6) and lrs[-1] == pytest.approx(1.0)
    assert all(b / a == pytest.approx(10.0) for a, b in zip(lrs, lrs[1:], strict=False))


def test_smoothing_is_debiased_and_smooth_one_is_the_raw_loss() -> None:
    average, first = smoothed(0.0, 2.0, 0.05, 0)
    assert first == pytest.approx(2.0)  # no pull towards the zero the average starts from
    _, second = smoothed(average, 4.0, 0.05, 1)
    assert second == pytest.approx((0.95 * 2.0 + 4.0) / 1.95)  # weights beta and 1, normalised
    assert smoothed(123.0, 4.0, 1.0, 5)[1] == 4.0


def test_set_lr_keeps_the_group_ratios_and_fills_tensor_lrs(mlp: MakeMLP) -> None:
    model = mlp()
    groups = [{"params": model[0].parameters(), "lr": 1e-2}, {"params": model[2].parameters(), "lr": 1e-3}]
    optimizer = torch.optim.Adam(groups)
    optimizer.param_groups[1]["lr"] = torch.tensor(1e-3)
    ratios = lr_ratios(optimizer)
    assert ratios == pytest.approx([1.0, 0.1])
    set_lr_(optimizer, 0.5, ratios)
    assert optimizer.param_groups[0]["lr"] == 0.5
    assert float(optimizer.param_groups[1]["lr"]) == pytest.approx(0.05)


def _finder_on(trainer: Trainer, **kwargs: float) -> LRFinder:
    finder = LRFinder(**kwargs)
    finder.set_trainer(trainer)
    finder.on_train_begin({})
    finder.on_epoch_begin(0, {})
    return finder


def _feed(finder: LRFinder, losses: list[float]) -> None:
    for step, loss in enumerate(losses):
        finder.on_batch_begin(step, {"batch": step, "size": 32})
        finder.on_batch_end(step, {"batch": step, "size": 32, "loss": torch.tensor(loss)})


def test_hooks_set_the_lr_record_the_loss_and_stop_on_divergence(mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    finder = _finder_on(trainer, start_lr=1e-4, end_lr=1.0, num_steps=5, smooth=1.0, diverge_factor=4.0)
    _feed(finder, [1.0, 0.5, 0.4])
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(1e-2)  # step 2 of 5: 1e-4 * 10 ** 2
    assert finder.raw_losses == pytest.approx([1.0, 0.5, 0.4]) and not trainer.stop_training
    _feed(finder, [1.7])  # above 4 x the best (0.4)
    assert finder.stop_reason == DIVERGED and trainer.stop_training
    assert len(finder.lrs) == len(finder.losses) == 4  # the diverged point is recorded


def test_it_completes_after_num_steps(mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    finder = _finder_on(trainer, num_steps=3)
    _feed(finder, [1.0, 0.9])
    assert not trainer.stop_training
    _feed(finder, [0.8])
    assert finder.stop_reason == COMPLETED and trainer.stop_training and len(finder.lrs) == 3


def test_a_nonfinite_loss_ends_the_sweep_unless_it_comes_first_or_from_the_data(mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    finder = _finder_on(trainer, num_steps=10)
    _feed(finder, [1.0, math.nan])
    assert finder.stop_reason == NONFINITE and trainer.stop_training and finder.raw_losses == [1.0]
    with pytest.raises(TrainguardError, match="first step"):
        _feed(_finder_on(Trainer(mlp(), nn.MSELoss()), num_steps=10), [math.inf])
    # the loop hands the batch being trained on to per-batch hooks through fit_state.batch
    trainer = Trainer(mlp(), nn.MSELoss())
    x = torch.full((4, 4), math.nan)
    trainer.fit((torch.randn(8, 4), torch.randn(8, 1)), epochs=1)  # gives the Trainer a fit_state
    trainer.fit_state.batch = LoadedBatch(x, torch.zeros(4, 1), None, 0)
    with pytest.raises(DataError, match="NaN/Inf"):
        _feed(_finder_on(trainer, num_steps=10), [1.0, math.nan])


def test_an_epoch_without_batches_means_exhausted_data_or_none_at_all(mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    finder = _finder_on(trainer, num_steps=10)
    _feed(finder, [1.0, 0.9])
    finder.on_epoch_end(0, {})
    assert not trainer.stop_training  # that epoch had batches
    finder.on_epoch_begin(1, {})
    finder.on_epoch_end(1, {})
    assert finder.stop_reason == EXHAUSTED and trainer.stop_training
    empty = _finder_on(Trainer(mlp(), nn.MSELoss()), num_steps=10)
    with pytest.raises(DataError, match="no batches"):
        empty.on_epoch_end(0, {})


def test_on_a_plain_fit_it_drives_the_learning_rate_and_stops_the_loop(
    regression: Data, mlp: MakeMLP
) -> None:
    finder = LRFinder(start_lr=1e-5, end_lr=1e-1, num_steps=10)
    seen: list[float] = []
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[finder])
    trainer.optimizer.register_step_pre_hook(lambda opt, args, kwargs: seen.append(opt.param_groups[0]["lr"]))
    trainer.fit(regression, epochs=5)  # 4 batches an epoch: the sweep ends in the third epoch
    assert finder.stop_reason == COMPLETED and trainer.global_step == 10 and trainer.epoch == 3
    assert seen == pytest.approx(finder.lrs) and finder.lrs[-1] == pytest.approx(1e-1)
    assert all(math.isfinite(loss) for loss in finder.losses)
