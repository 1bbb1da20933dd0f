"""Mixed precision: bf16 autocast trains on the CPU, "16-mixed" is refused there, and the NaN guard
lets a GradScaler handle its own overflows.

There is no GPU here, so the GradScaler tests run the Trainer's "16-mixed" code path with a CPU
``torch.amp.GradScaler`` put in ``trainer.scaler`` (torch supports CPU scalers); on CUDA the same
lines run with float16 autocast.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

from trainguard.errors import ConfigError
from trainguard.nn import Guards, NonFiniteError, Trainer
from trainguard.nn.precision import MIN_LOSS_SCALE

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]

cpu_only = pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU behaviour")


def _adam(lr: float = 0.02) -> Callable:
    return lambda params: torch.optim.Adam(params, lr=lr)


# --- choosing a precision -------------------------------------------------------------------------


def test_default_is_full_precision(mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss(), device="cpu")
    assert trainer.precision == "32" and trainer.scaler is None


@pytest.mark.parametrize(
    ("given", "expected"), [("32", "32"), (32, "32"), ("bf16", "bf16"), ("bf16-mixed", "bf16")]
)
def test_precision_names(mlp: MakeMLP, given: object, expected: str) -> None:
    assert Trainer(mlp(), nn.MSELoss(), device="cpu", precision=given).precision == expected


def test_unknown_precision_is_a_config_error(mlp: MakeMLP) -> None:
    with pytest.raises(ConfigError, match="unknown precision 'fp8'"):
        Trainer(mlp(), nn.MSELoss(), device="cpu", precision="fp8")


@pytest.mark.parametrize("device", ["cpu", pytest.param("auto", marks=cpu_only)])
def test_float16_mixed_on_the_cpu_is_refused_with_a_way_out(mlp: MakeMLP, device: str) -> None:
    with pytest.raises(ConfigError, match="needs a CUDA device") as info:
        Trainer(mlp(), nn.MSELoss(), device=device, precision="16-mixed")
    assert "precision='bf16'" in str(info.value)


# --- bf16 on the CPU --------------------------------------------------------------------------------


def test_bf16_trains_on_the_cpu_and_the_loss_drops(regression: Data, mlp: MakeMLP) -> None:
    model = mlp()
    dtypes: set[torch.dtype] = set()
    model[0].register_forward_hook(lambda m, args, out: dtypes.add(out.dtype))
    trainer = Trainer(model, nn.MSELoss(), optimizer=_adam(), device="cpu", precision="bf16")
    losses = trainer.fit(regression, val=regression, epochs=30).history["loss"]
    assert dtypes == {torch.bfloat16}  # the forward really ran under autocast, in training and validation
    assert losses[-1] < 0.05 * losses[0]
    assert all(p.dtype == torch.float32 for p in model.parameters())  # master weights stay float32
    assert trainer.scaler is None  # bfloat16 has float32's range: no loss scaling
    assert trainer.evaluate(regression)["loss"] < 0.05 * losses[0]
    predictions = trainer.predict(regression[0])
    assert predictions.dtype == torch.float32 and predictions.shape == (100, 1)


def test_bf16_classification_and_lr_find(mlp: MakeMLP) -> None:
    g = torch.Generator().manual_seed(1)
    centers = torch.tensor([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    y = torch.arange(3).repeat_interleave(60)
    x = centers[y] + 0.5 * torch.randn(180, 2, generator=g)
    trainer = Trainer(mlp(n_in=2, n_out=3), nn.CrossEntropyLoss(), optimizer=_adam(0.05), precision="bf16")
    result = trainer.lr_find((x, y), num_steps=40)
    assert len(result.lrs) > 10
    history = trainer.fit((x, y), epochs=15).history["loss"]
    assert history[-1] < 0.2 * history[0]
    assert (trainer.predict(x).argmax(1) == y).float().mean() > 0.95


# --- the GradScaler path and the NaN guard -----------------------------------------------------------


def _scaled(trainer: Trainer, init_scale: float) -> Trainer:
    """The "16-mixed" code path on the CPU: a CPU GradScaler in place of the CUDA one."""
    trainer.scaler = torch.amp.GradScaler("cpu", init_scale=init_scale)
    return trainer


def _grad_hook(model: nn.Module, bad_steps: set[int] | None, value: float = float("inf")) -> list[int]:
    """Make the first layer's weight gradient non-finite at the given backward calls (all if None)."""
    calls = [0]

    def hook(grad: torch.Tensor) -> torch.Tensor:
        calls[0] += 1
        if bad_steps is None or calls[0] - 1 in bad_steps:
            return torch.full_like(grad, value)
        return grad

    model[0].weight.register_hook(hook)
    return calls


@pytest.mark.parametrize("check_every", [1, 3])
def test_an_overflow_is_the_scalers_business_not_the_guards(
    regression: Data, mlp: MakeMLP, check_every: int
) -> None:
    model = mlp()
    _grad_hook(model, bad_steps={2, 6})
    trainer = _scaled(
        Trainer(model, nn.MSELoss(), optimizer=_adam(), guards=Guards(check_every=check_every)), 1024.0
    )
    history = trainer.fit(regression, epochs=3).history  # guards on, policy "stop": no error
    assert trainer.findings == []
    assert trainer.scaler.get_scale() == 256.0  # halved once per overflow
    assert all(torch.isfinite(p).all() for p in model.parameters())  # the scaler skipped the Inf steps
    assert all(torch.isfinite(torch.tensor(history["grad_norm"])))  # averaged over the finite steps
    assert history["loss_scale"] == [512.0, 256.0, 256.0]


def test_a_huge_initial_scale_settles_by_itself(regression: Data, mlp: MakeMLP) -> None:
    """Real overflows: the scaled loss is Inf at first, and the scaler lowers its scale until it is not."""
    trainer = _scaled(Trainer(mlp(), nn.MSELoss(), optimizer=_adam()), 2.0**127)
    losses = trainer.fit(regression, epochs=20).history["loss"]
    assert trainer.findings == []
    assert MIN_LOSS_SCALE <= trainer.scaler.get_scale() < 2.0**127
    assert losses[-1] < 0.1 * losses[0]


def test_the_same_inf_gradient_stops_training_without_a_scaler(regression: Data, mlp: MakeMLP) -> None:
    model = mlp()
    _grad_hook(model, bad_steps={2})
    with pytest.raises(NonFiniteError, match="non-finite gradient norm"):
        Trainer(model, nn.MSELoss(), optimizer=_adam()).fit(regression, epochs=3)


@pytest.mark.parametrize("check_every", [1, 4])
def test_gradients_that_are_never_finite_stop_training(
    regression: Data, mlp: MakeMLP, check_every: int
) -> None:
    model = mlp()
    _grad_hook(model, bad_steps=None, value=float("nan"))
    before = [p.detach().clone() for p in model.parameters()]
    trainer = _scaled(Trainer(model, nn.MSELoss(), guards=Guards(check_every=check_every)), 8.0)
    with pytest.raises(NonFiniteError, match="loss scale fell") as info:
        trainer.fit(regression, epochs=5)
    assert info.value.finding.id == "loss-scale-collapsed"
    assert info.value.finding.evidence["loss_scale"] < MIN_LOSS_SCALE
    assert trainer.global_step <= 8  # found within a few steps, not after 5 epochs of skipped steps
    assert all(torch.equal(p.cpu(), q.cpu()) for p, q in zip(model.parameters(), before, strict=True))


class Blowup(nn.Module):
    """A model whose output is Inf while ``armed``: a non-finite *loss*, not a scaler overflow."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.linear = nn.Linear(4, 1)
        self.armed = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.linear(x)
        return out * float("inf") if self.armed else out


def test_a_nonfinite_loss_still_stops_training_with_a_scaler(regression: Data) -> None:
    model = Blowup()
    trainer = _scaled(Trainer(model, nn.MSELoss()), 1024.0)
    with pytest.raises(NonFiniteError, match="non-finite loss"):
        trainer.fit(regression, epochs=1)
    model.armed = False  # the user fixes the model and trains again: the scaler must be usable
    trainer.fit(regression, epochs=1)
    assert trainer.findings[-1].id == "non-finite-training" and len(trainer.findings) == 1


def test_skip_batch_policy_with_a_scaler_skips_the_nonfinite_loss_batches(
    regression: Data, mlp: MakeMLP
) -> None:
    x, y = regression
    y = y.clone()
    y[:10] = float("inf")  # bad targets: every epoch has one bad batch
    trainer = _scaled(Trainer(mlp(), nn.MSELoss(), guards=Guards(nonfinite="skip_batch")), 1024.0)
    with pytest.warns(match="skipped"):
        history = trainer.fit((x, y), epochs=2, shuffle=False).history  # the bad rows in one batch
    assert history["nonfinite_skipped"] == [1, 1]
    assert all(torch.isfinite(p).all() for p in trainer.module.parameters())


@pytest.mark.skipif(not torch.cuda.is_available(), reason="float16 mixed precision needs CUDA")
def test_float16_mixed_trains_on_cuda(regression: Data, mlp: MakeMLP) -> None:  # pragma: no cover
    trainer = Trainer(mlp(), nn.MSELoss(), optimizer=_adam(), device="cuda", precision="16-mixed")
    assert isinstance(trainer.scaler, torch.amp.GradScaler)
    losses = trainer.fit(regression, epochs=30).history["loss"]
    assert losses[-1] < 0.05 * losses[0] and trainer.findings == []
