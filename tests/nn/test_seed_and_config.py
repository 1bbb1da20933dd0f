"""Seeding makes runs repeatable; guard settings are validated up front."""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np
import pytest
import torch

from trainguard.errors import ConfigError
from trainguard.nn import Guards, seed_everything
from trainguard.nn.seed import rng_state, set_rng_state


@pytest.fixture
def restore_determinism() -> Iterator[None]:
    before = torch.are_deterministic_algorithms_enabled()
    yield
    torch.use_deterministic_algorithms(before)


def draws() -> tuple[float, float, float]:
    return random.random(), float(np.random.rand()), float(torch.rand(1))


def test_seed_everything_seeds_python_numpy_and_torch() -> None:
    seed_everything(11)
    first = draws()
    seed_everything(11)
    assert draws() == first
    seed_everything(12)
    assert draws() != first


def test_deterministic_switches_torch_to_deterministic_kernels(restore_determinism: None) -> None:
    torch.use_deterministic_algorithms(False)
    seed_everything(0)
    assert not torch.are_deterministic_algorithms_enabled(), "False leaves the setting alone"
    seed_everything(0, deterministic=True)
    assert torch.are_deterministic_algorithms_enabled()


def test_rng_state_round_trip() -> None:
    seed_everything(3)
    state = rng_state()
    first = draws()
    set_rng_state(state)
    assert draws() == first


def test_seed_must_be_an_integer() -> None:
    with pytest.raises(ConfigError, match="seed must be an integer"):
        seed_everything("0")  # type: ignore[arg-type]


def test_guards_resolve_from_booleans_and_fill_check_every_per_device() -> None:
    assert Guards.resolve(True) == Guards()
    off = Guards.resolve(False)
    assert off.nonfinite is None and not off.epoch_length and not off.loss_mismatch
    assert Guards().for_device(torch.device("cpu")).check_every == 1
    assert Guards().for_device(torch.device("cuda")).check_every == 20
    assert Guards(check_every=5).for_device(torch.device("cpu")).check_every == 5


@pytest.mark.parametrize("kwargs", [{"nonfinite": "ignore"}, {"check_every": 0}, {"grad_norm_history": 0}])
def test_bad_guard_settings_are_config_errors(kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        Guards(**kwargs)
    with pytest.raises(ConfigError, match="guards must be"):
        Guards.resolve("yes")  # type: ignore[arg-type]


def test_deterministic_trainer_trains_with_deterministic_kernels(
    restore_determinism: None, regression
) -> None:
    from torch import nn

    from trainguard.nn import Trainer

    torch.manual_seed(0)
    trainer = Trainer(
        nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)), nn.MSELoss(), deterministic=True
    )
    trainer.fit(regression, epochs=1)
    assert torch.are_deterministic_algorithms_enabled() and trainer.global_step == 4
