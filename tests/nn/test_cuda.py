"""What only a CUDA device can show: the guards read the device a few times per epoch, not per step.

These run where CUDA is present (they are skipped on the CPU-only CI machine); every other nn test
also runs on CUDA there, because ``Trainer(device="auto")`` picks it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest
import torch
from torch import nn

from trainguard.nn import Guards, NonFiniteError, Trainer

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

MakeMLP = Callable[..., nn.Module]


def _count_syncs(fit: Callable[[], object]) -> int:
    """Host syncs during ``fit`` as reported by torch's CUDA sync debug mode."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            fit()
        finally:
            torch.cuda.set_sync_debug_mode("default")
    return sum("synchroniz" in str(w.message).lower() for w in seen)


def _data(steps: int, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(steps * batch, 4, generator=g)
    return x, x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]])


@pytest.mark.parametrize("precision", ["32", "16-mixed"])
def test_guarded_steps_do_not_sync_with_the_host(mlp: MakeMLP, precision: str) -> None:
    steps, batch, epochs = 200, 16, 2
    data = _data(steps, batch)

    def syncs(guards: bool) -> int:
        trainer = Trainer(mlp(), nn.MSELoss(), device="cuda", precision=precision, guards=guards)
        trainer.fit(data, epochs=1, batch_size=batch)  # first-batch checks and set-up are not per step
        return _count_syncs(lambda: trainer.fit(data, epochs=1 + epochs, batch_size=batch))

    assert Trainer(mlp(), nn.MSELoss(), device="cuda").guards.check_every == 20
    # torch's own GradScaler reads its overflow flag every step, guards or not: count only ours.
    # Per check_every steps one flag read (and one loss-scale read under 16-mixed), plus a few per
    # fit and epoch; one read per step would add >= 400.
    added = syncs(True) - syncs(False)
    assert added <= epochs * 2 * (steps // 20) + 30, added


def test_a_nan_on_cuda_is_found_at_its_own_step_and_never_reaches_the_weights(mlp: MakeMLP) -> None:
    x, y = _data(50, 8)
    x[8 * 13 + 2, 1] = float("nan")  # batch 13 of the first epoch
    model = mlp()
    trainer = Trainer(model, nn.MSELoss(), device="cuda")
    with pytest.raises(NonFiniteError, match=r"epoch 0, step 13 \(batch 13") as info:
        trainer.fit((x, y), epochs=1, batch_size=8, shuffle=False)
    assert "inputs" in str(info.value)
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_check_every_one_on_cuda_stops_before_the_next_step(mlp: MakeMLP) -> None:
    x, y = _data(50, 8)
    y[8 * 5] = float("inf")
    trainer = Trainer(mlp(), nn.MSELoss(), device="cuda", guards=Guards(check_every=1))
    with pytest.raises(NonFiniteError, match=r"step 5 "):
        trainer.fit((x, y), epochs=1, batch_size=8, shuffle=False)
    assert trainer.global_step == 5
