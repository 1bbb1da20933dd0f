"""Shared fixtures for the nn tests: tiny data and models, and one CPU thread per test.

Tiny models run several times faster on one thread than on two contended ones, and the thread
count is process-global, so it is restored after each test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import torch
from torch import nn


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def regression() -> tuple[torch.Tensor, torch.Tensor]:
    """100 rows, 4 features, a linear target with a column axis: 4 batches of 32 (the last 4 rows)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(100, 4, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1
    return x, y


@pytest.fixture
def mlp() -> Callable[..., nn.Module]:
    """Identically initialised small MLPs, so two runs can be compared weight for weight."""

    def make(
        n_in: int = 4, n_out: int = 1, hidden: int = 16, dropout: float = 0.0, seed: int = 123
    ) -> nn.Module:
        torch.manual_seed(seed)
        layers: list[nn.Module] = [nn.Linear(n_in, hidden), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(hidden, n_out))
        return nn.Sequential(*layers)

    return make
