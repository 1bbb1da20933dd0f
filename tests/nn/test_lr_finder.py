"""Trainer.lr_find: a sensible suggestion, an early stop on divergence, and nothing left changed."""

from __future__ import annotations

import copy
import random
import sys
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from trainguard.errors import ConfigError, DataError, TrainguardError
from trainguard.nn import Callback, LossMismatchError, LRFinderResult, Trainer
from trainguard.nn.callbacks.lr_finder import diverged
from trainguard.nn.lr_finder import steepest_descent

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]


@pytest.fixture
def noisy_regression() -> Data:
    """512 rows of a noisy linear target: 16 batches of 32, enough for a sweep to see the curve."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(512, 4, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1 + 0.1 * torch.randn(512, 1, generator=g)
    return x, y


def _bn_model() -> nn.Module:
    """Dropout (draws from the RNG) and BatchNorm (running buffers): both must come back unchanged."""
    torch.manual_seed(7)
    return nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 1))


# --- the suggestion ------------------------------------------------------------------------------


def test_suggestion_is_sensible_on_a_regression_problem(noisy_regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    result = trainer.lr_find(noisy_regression)
    assert isinstance(result, LRFinderResult)
    assert result.suggested_lr is not None and 1e-4 <= result.suggested_lr <= 1.0
    assert result.lrs[result.suggestion] == result.suggested_lr
    assert result.lrs[0] == pytest.approx(1e-7)
    assert all(b > a for a, b in zip(result.lrs, result.lrs[1:], strict=False))  # exponential sweep
    ratios = np.diff(np.log(result.lrs))
    assert np.allclose(ratios, np.log(10 / 1e-7) / 99)
    assert result.diverged and len(result.lrs) < 100  # Adam at lr ~ 5 blows this problem up
    assert min(result.raw_losses) < 0.5 * result.raw_losses[0]
    # the suggestion trains well: a fit at that rate beats the default lr 1e-3 by far
    tuned = Trainer(mlp(), nn.MSELoss(), optimizer=lambda p: torch.optim.Adam(p, lr=result.suggested_lr))
    default = Trainer(mlp(), nn.MSELoss())
    assert (
        tuned.fit(noisy_regression, epochs=3).history["loss"][-1]
        < 0.5 * (default.fit(noisy_regression, epochs=3).history["loss"][-1])
    )


def test_steepest_descent_finds_the_fastest_fall() -> None:
    lrs = list(np.logspace(-7, 1, 100))
    # a smooth drop centred at lr = 1e-3 (log10 = -3), flat on both sides
    losses = [1.0 - 0.9 / (1 + np.exp(-3 * (np.log10(lr) + 3))) for lr in lrs]
    index = steepest_descent(lrs, losses)
    assert index is not None and 5e-4 < lrs[index] < 2e-3
    assert steepest_descent(lrs, [1.0 + i for i in range(100)]) is None  # never falls
    assert steepest_descent(lrs[:2], losses[:2]) is None  # too few points to judge


def test_divergence_rule() -> None:
    assert not diverged(3.9, 1.0, 4.0) and diverged(4.1, 1.0, 4.0)
    assert not diverged(1e9, float("inf"), 4.0)  # no best yet
    # losses below zero (NLL): diverged once the loss rose (factor - 1) * |best| above the best
    assert diverged(4.5, -2.0, 4.0) and not diverged(3.5, -2.0, 4.0)


# --- early stop on divergence, with the NaN guard on ----------------------------------------------


def test_stops_early_when_the_loss_diverges(noisy_regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss(), optimizer=lambda p: torch.optim.SGD(p, lr=0.01))
    result = trainer.lr_find(noisy_regression, end_lr=1e4, num_steps=100)
    assert result.diverged and len(result.lrs) < 90
    last, best = result.losses[-1], min(result.losses)
    assert result.stop_reason == "non-finite loss" or last > 4.0 * best
    assert trainer.findings == []  # divergence is the expected end: no guard fired


def test_nonfinite_loss_at_high_lr_ends_the_sweep_without_raising(
    noisy_regression: Data, mlp: MakeMLP
) -> None:
    trainer = Trainer(mlp(), nn.MSELoss(), optimizer=lambda p: torch.optim.SGD(p, lr=0.01))  # guards on
    result = trainer.lr_find(noisy_regression, start_lr=10.0, end_lr=1e8, num_steps=20, diverge_factor=1e30)
    assert result.stop_reason == "non-finite loss"
    assert 1 <= len(result.lrs) < 20 and all(np.isfinite(result.losses))
    assert all(torch.isfinite(p).all() for p in trainer.module.parameters())  # weights restored


def test_diverge_factor_controls_the_stop(noisy_regression: Data, mlp: MakeMLP) -> None:
    sgd = lambda p: torch.optim.SGD(p, lr=0.01)  # noqa: E731
    strict = Trainer(mlp(), nn.MSELoss(), optimizer=sgd).lr_find(
        noisy_regression, end_lr=1e4, diverge_factor=1.5
    )
    lenient = Trainer(mlp(), nn.MSELoss(), optimizer=sgd).lr_find(
        noisy_regression, end_lr=1e4, diverge_factor=50
    )
    assert len(strict.lrs) <= len(lenient.lrs)


# --- nothing left behind ---------------------------------------------------------------------------


def _optimizer_state_equal(a: dict, b: dict) -> bool:
    if a["param_groups"] != b["param_groups"] or a["state"].keys() != b["state"].keys():
        return False
    for key, state in a["state"].items():
        other = b["state"][key]
        if state.keys() != other.keys():
            return False
        for name, value in state.items():
            same = (
                torch.equal(value, other[name]) if isinstance(value, torch.Tensor) else value == other[name]
            )
            if not same:
                return False
    return True


def test_restores_module_optimizer_and_rng_exactly(noisy_regression: Data) -> None:
    trainer = Trainer(_bn_model(), nn.MSELoss())
    trainer.fit(noisy_regression, epochs=1)  # Adam moments and BatchNorm statistics are non-trivial now
    trainer.module[1].eval()  # a user-frozen BatchNorm inside a model in train mode stays frozen
    params_before = {name: p for name, p in trainer.module.named_parameters()}
    state_before = copy.deepcopy(trainer.module.state_dict())
    grads_before = {name: p.grad.clone() for name, p in trainer.module.named_parameters()}
    optim_before = copy.deepcopy(trainer.optimizer.state_dict())
    modes_before = [m.training for m in trainer.module.modules()]
    rng_before = (torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate())
    shuffle_before = trainer._generator.get_state()
    counters_before = (trainer.epoch, trainer.global_step, len(trainer.history.history["loss"]))

    result = trainer.lr_find(noisy_regression, num_steps=40)
    assert len(result.lrs) > 10

    for name, value in trainer.module.state_dict().items():
        assert torch.equal(value, state_before[name]), name
    for name, p in trainer.module.named_parameters():
        assert p is params_before[name]  # same objects, so the optimizer still holds them
        assert torch.equal(p.grad, grads_before[name]), name
    assert _optimizer_state_equal(trainer.optimizer.state_dict(), optim_before)
    assert trainer.optimizer.param_groups[0]["lr"] == 1e-3
    assert [m.training for m in trainer.module.modules()] == modes_before
    assert torch.equal(torch.get_rng_state(), rng_before[0])
    assert np.array_equal(np.random.get_state()[1], rng_before[1]) and random.getstate() == rng_before[2]
    assert torch.equal(trainer._generator.get_state(), shuffle_before)
    assert (trainer.epoch, trainer.global_step, len(trainer.history.history["loss"])) == counters_before


@pytest.mark.parametrize("fitted_first", [False, True])
def test_fit_after_lr_find_equals_fit_without(noisy_regression: Data, fitted_first: bool) -> None:
    # one Trainer after the other: dropout draws from the global RNG, which both share
    with_sweep = Trainer(_bn_model(), nn.MSELoss())
    if fitted_first:
        with_sweep.fit(noisy_regression, epochs=1)
    with_sweep.lr_find(noisy_regression, num_steps=30)
    if not fitted_first:
        assert with_sweep._generator is None  # seeding still happens at the first fit
    a = with_sweep.fit(noisy_regression, epochs=2).history["loss"]
    without = Trainer(_bn_model(), nn.MSELoss())
    if fitted_first:
        without.fit(noisy_regression, epochs=1)
    b = without.fit(noisy_regression, epochs=2).history["loss"]
    assert a == b
    for p, q in zip(with_sweep.module.parameters(), without.module.parameters(), strict=True):
        assert torch.equal(p, q)


def test_state_is_restored_when_the_sweep_raises(noisy_regression: Data, mlp: MakeMLP) -> None:
    x, _ = noisy_regression
    labels = torch.rand(len(x))  # float targets for CrossEntropyLoss: the loss guard refuses them
    trainer = Trainer(mlp(n_out=3), nn.CrossEntropyLoss())
    before = copy.deepcopy(trainer.module.state_dict())
    rng = torch.get_rng_state()
    with pytest.raises(LossMismatchError):
        trainer.lr_find((x, labels))
    assert all(torch.equal(v, before[k]) for k, v in trainer.module.state_dict().items())
    assert torch.equal(torch.get_rng_state(), rng) and trainer._generator is None


def test_callbacks_are_not_run(noisy_regression: Data, mlp: MakeMLP) -> None:
    class Counting(Callback):
        calls = 0

        def on_batch_end(self, step, logs=None) -> None:
            Counting.calls += 1

    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[Counting()])
    trainer.lr_find(noisy_regression, num_steps=20)
    assert Counting.calls == 0 and trainer.history.history == {}


def test_param_groups_keep_their_ratio(noisy_regression: Data, mlp: MakeMLP) -> None:
    model = mlp()
    groups = [{"params": model[0].parameters(), "lr": 1e-3}, {"params": model[2].parameters(), "lr": 1e-4}]
    trainer = Trainer(model, nn.MSELoss(), optimizer=torch.optim.Adam(groups))
    seen: list[tuple[float, float]] = []
    trainer.optimizer.register_step_pre_hook(
        lambda opt, args, kwargs: seen.append((opt.param_groups[0]["lr"], opt.param_groups[1]["lr"]))
    )
    result = trainer.lr_find(noisy_regression, num_steps=20)
    assert [a for a, _ in seen] == pytest.approx(result.lrs[: len(seen)])
    assert all(b == pytest.approx(a / 10) for a, b in seen)
    assert [g["lr"] for g in trainer.optimizer.param_groups] == [1e-3, 1e-4]


# --- every input kind -----------------------------------------------------------------------------


def _inputs(x: torch.Tensor, y: torch.Tensor) -> dict[str, object]:
    batches = [(x[i : i + 32], y[i : i + 32]) for i in range(0, len(x), 32)]

    class PairDataset(Dataset):
        def __len__(self) -> int:
            return len(x)

        def __getitem__(self, i: int):
            return x[i], y[i]

    def generator_function() -> Iterator[Data]:
        yield from batches

    return {
        "tensors": (x, y),
        "numpy": (x.numpy().astype(np.float64), y.numpy()),
        "pandas": (pd.DataFrame(x.numpy()), pd.Series(y[:, 0].numpy())),
        "TensorDataset": TensorDataset(x, y),
        "DataLoader": DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True),
        "Dataset": PairDataset(),
        "list of batches": batches,
        "generator function": generator_function,
    }


@pytest.mark.parametrize(
    "kind",
    [
        "tensors",
        "numpy",
        "pandas",
        "TensorDataset",
        "DataLoader",
        "Dataset",
        "list of batches",
        "generator function",
    ],
)
def test_accepts_every_input_kind(noisy_regression: Data, mlp: MakeMLP, kind: str) -> None:
    x, y = noisy_regression
    data = _inputs(x, y)[kind]
    loss = nn.MSELoss()
    model = mlp()
    if kind == "pandas":  # a Series target has no column axis
        model = nn.Sequential(model, nn.Flatten(0))
    trainer = Trainer(model, loss)
    before = copy.deepcopy(trainer.module.state_dict())
    result = trainer.lr_find(data, num_steps=40)  # 16 batches per pass: the sweep restarts the data
    assert len(result.lrs) >= 30 and np.isfinite(result.losses).all()
    assert all(torch.equal(v, before[k]) for k, v in trainer.module.state_dict().items())


def test_one_shot_iterator_ends_the_sweep_when_exhausted(noisy_regression: Data, mlp: MakeMLP) -> None:
    x, y = noisy_regression
    batches = iter([(x[i : i + 64], y[i : i + 64]) for i in range(0, len(x), 64)])  # 8 batches
    result = Trainer(mlp(), nn.MSELoss()).lr_find(batches, num_steps=50)
    assert result.stop_reason == "data exhausted" and len(result.lrs) == 8


def test_batch_size_applies_to_in_memory_data(noisy_regression: Data, mlp: MakeMLP) -> None:
    sizes: list[int] = []
    model = mlp()
    model.register_forward_pre_hook(lambda m, args: sizes.append(args[0].shape[0]))
    Trainer(model, nn.MSELoss()).lr_find(noisy_regression, num_steps=5, batch_size=100)
    assert sizes == [100] * 5


# --- refusals --------------------------------------------------------------------------------------


def test_nonfinite_data_is_not_mistaken_for_divergence(noisy_regression: Data, mlp: MakeMLP) -> None:
    x, y = noisy_regression
    x = x.clone()
    x[200:] = float("nan")
    with pytest.raises(DataError, match="NaN/Inf"):
        Trainer(mlp(), nn.MSELoss()).lr_find((x, y), num_steps=40)


def test_nonfinite_loss_at_the_first_step_is_an_error(noisy_regression: Data) -> None:
    class Broken(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(4, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.linear(x) * float("inf")

    with pytest.raises(TrainguardError, match="first step"):
        Trainer(Broken(), nn.MSELoss()).lr_find(noisy_regression)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start_lr": 0.0},
        {"start_lr": 1e-3, "end_lr": 1e-4},
        {"num_steps": 1},
        {"num_steps": 10.5},
        {"smooth": 0.0},
        {"smooth": 1.5},
        {"diverge_factor": 1.0},
        {"batch_size": 0},
    ],
)
def test_bad_arguments_are_config_errors(noisy_regression: Data, mlp: MakeMLP, kwargs: dict) -> None:
    with pytest.raises(ConfigError, match="lr_find"):
        Trainer(mlp(), nn.MSELoss()).lr_find(noisy_regression, **kwargs)


def test_empty_data_is_a_data_error(mlp: MakeMLP) -> None:
    with pytest.raises(DataError, match="no batches"):
        Trainer(mlp(), nn.MSELoss()).lr_find([])


# --- the result -----------------------------------------------------------------------------------


def _result() -> LRFinderResult:
    lrs = list(np.logspace(-5, 0, 30))
    losses = [1.0 - 0.8 / (1 + np.exp(-4 * (np.log10(lr) + 2.5))) for lr in lrs]
    losses[-1] = 50.0  # the step that diverged
    return LRFinderResult(
        lrs, losses, steepest_descent(lrs, losses), raw_losses=losses, stop_reason="diverged"
    )


def test_to_frame() -> None:
    result = _result()
    frame = result.to_frame()
    assert list(frame.columns) == ["lr", "loss", "raw_loss", "suggested"]
    assert len(frame) == 30 and frame["suggested"].sum() == 1
    assert frame.loc[frame["suggested"], "lr"].item() == result.suggested_lr
    assert "suggested_lr=" in repr(result) and "30 points" in repr(result)


class RecordingAxes:
    """Just enough of matplotlib's Axes to check what plot() draws, without matplotlib."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))


def test_plot_uses_a_log_axis_and_marks_the_suggestion() -> None:
    result = _result()
    ax = RecordingAxes()
    assert result.plot(ax=ax) is ax
    names = [name for name, _, _ in ax.calls]
    assert ("set_xscale", ("log",), {}) in ax.calls
    lines = [(args, kwargs) for name, args, kwargs in ax.calls if name == "plot"]
    assert lines[0][0] == (result.lrs, result.losses)
    assert lines[1][0] == ([result.suggested_lr], [result.suggested_loss]) and lines[1][1]["marker"] == "o"
    assert "legend" in names
    (low, high), _ = next((args, kw) for name, args, kw in ax.calls if name == "set_ylim")
    assert low < min(result.losses[:-1]) and max(result.losses[:-1]) < high  # the blow-up is cut off


def test_plot_with_matplotlib() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = _result().plot()
    assert ax.get_xscale() == "log" and len(ax.lines) == 2


def test_plot_without_matplotlib_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib...` fail
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(TrainguardError, match="pip install matplotlib"):
        _result().plot()
