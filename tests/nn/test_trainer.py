"""The Trainer trains, takes every input form the same way, is reproducible and keeps its state."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest
import torch
from rich.console import Console
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from trainguard.errors import ConfigError, DataError, TrainguardError
from trainguard.nn import Callback, LoggerCallback, Trainer
from trainguard.nn.data import (
    PERMUTED_COPY_MAX_BYTES,
    IterableSource,
    TensorSource,
    as_batch_source,
    permute_whole,
)

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]


class StepCounter(Callback):
    """Counts optimizer steps per epoch, as the loop reports them."""

    def on_train_begin(self, logs=None) -> None:
        self.per_epoch: list[int] = []

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self.per_epoch.append(0)

    def on_batch_end(self, step, logs=None) -> None:
        self.per_epoch[-1] += 1


# --- learning ---------------------------------------------------------------------------------------


def test_regression_loss_drops_a_lot(regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss(), optimizer=lambda p: torch.optim.Adam(p, lr=0.02))
    history = trainer.fit(regression, epochs=30)
    losses = history.history["loss"]
    assert losses[-1] < 0.05 * losses[0]
    assert trainer.evaluate(regression)["loss"] < 0.05 * losses[0]


def test_classification_learns_three_blobs(mlp: MakeMLP) -> None:
    g = torch.Generator().manual_seed(1)
    centers = torch.tensor([[3.0, 0.0], [-3.0, 0.0], [0.0, 3.0]])
    y = torch.arange(3).repeat_interleave(60)
    x = centers[y] + 0.5 * torch.randn(180, 2, generator=g)
    trainer = Trainer(
        mlp(n_in=2, n_out=3), nn.CrossEntropyLoss(), optimizer=lambda p: torch.optim.Adam(p, lr=0.05)
    )
    history = trainer.fit((x, y), val=(x, y), epochs=15)
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    accuracy = (trainer.predict(x).argmax(1) == y).float().mean().item()
    assert accuracy > 0.95


# --- every input form ----------------------------------------------------------------------------


def _input_forms(x: torch.Tensor, y: torch.Tensor) -> dict[str, tuple[object, dict[str, int]]]:
    batches = [(x[i : i + 32], y[i : i + 32]) for i in range(0, len(x), 32)]

    class PairDataset(Dataset):
        def __len__(self) -> int:
            return len(x)

        def __getitem__(self, i: int):
            return x[i], y[i]

    def generator_function() -> Iterator[Data]:
        yield from batches

    def infinite() -> Iterator[Data]:
        while True:
            yield from batches

    return {
        "tensors": ((x, y), {}),
        "numpy": ((x.numpy().astype(np.float64), y.numpy()), {}),
        "pandas": ((pd.DataFrame(x.numpy()), pd.Series(y[:, 0].numpy()).to_frame()), {}),
        "TensorDataset": (TensorDataset(x, y), {}),
        "Dataset": (PairDataset(), {}),
        "DataLoader": (DataLoader(TensorDataset(x, y), batch_size=32), {}),
        "list of batches": (batches, {}),
        "generator function": (generator_function, {}),
        "infinite generator": (infinite(), {"steps_per_epoch": 4}),
    }


@pytest.mark.parametrize(
    "form",
    [
        "tensors",
        "numpy",
        "pandas",
        "TensorDataset",
        "Dataset",
        "DataLoader",
        "list of batches",
        "generator function",
        "infinite generator",
    ],
)
def test_every_input_form_trains_with_the_same_number_of_steps(
    form: str, regression: Data, mlp: MakeMLP
) -> None:
    data, kwargs = _input_forms(*regression)[form]
    counter = StepCounter()
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[counter])
    history = trainer.fit(data, epochs=3, batch_size=32, **kwargs)
    assert counter.per_epoch == [4, 4, 4]  # ceil(100 / 32)
    assert trainer.global_step == 12 and trainer.epoch == 3
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_in_memory_data_never_goes_through_getitem(regression: Data, mlp: MakeMLP) -> None:
    class NoGetitem(TensorDataset):
        def __getitem__(self, index):  # the fast path must index whole tensors instead
            raise AssertionError("per-sample __getitem__ was called")

    trainer = Trainer(mlp(), nn.MSELoss())
    trainer.fit(NoGetitem(*regression), epochs=2)
    assert trainer.global_step == 8
    source = as_batch_source(
        regression,
        batch_size=32,
        shuffle=True,
        generator=torch.Generator(),
        device=torch.device("cpu"),
        float_dtype=torch.float32,
    )
    assert isinstance(source, TensorSource)


def test_fast_path_batches_are_a_permutation_of_the_rows(regression: Data) -> None:
    x, y = regression
    source = TensorSource(
        x,
        y,
        batch_size=32,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
        device=torch.device("cpu"),
        float_dtype=torch.float32,
    )
    batches = list(source.epoch())
    assert [len(b.x) for b in batches] == [32, 32, 32, 4]
    rows = torch.cat([b.ref for b in batches])
    assert sorted(rows.tolist()) == list(range(100))
    assert rows.tolist() != list(range(100))  # shuffled
    assert torch.equal(batches[0].x, x[batches[0].ref])


def test_whole_data_permutation_is_chosen_by_size() -> None:
    assert permute_whole(0)
    assert permute_whole(PERMUTED_COPY_MAX_BYTES)
    assert not permute_whole(PERMUTED_COPY_MAX_BYTES + 1)


def test_gathering_per_epoch_or_per_batch_gives_the_same_batches(
    regression: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    def epoch(whole: bool) -> list:
        monkeypatch.setattr("trainguard.nn.data.permute_whole", lambda nbytes: whole)
        source = TensorSource(
            *regression,
            batch_size=32,
            shuffle=True,
            generator=torch.Generator().manual_seed(0),
            device=torch.device("cpu"),
            float_dtype=torch.float32,
        )
        return list(source.epoch())

    for gathered, indexed in zip(epoch(True), epoch(False), strict=True):
        assert torch.equal(gathered.ref, indexed.ref)
        assert torch.equal(gathered.x, indexed.x) and torch.equal(gathered.y, indexed.y)


def test_numpy_float64_is_cast_to_the_model_dtype_and_labels_stay_integer() -> None:
    source = as_batch_source(
        (np.zeros((10, 3)), np.arange(10)),
        batch_size=4,
        shuffle=False,
        generator=None,
        device=torch.device("cpu"),
        float_dtype=torch.float32,
    )
    batch = next(source.epoch())
    assert batch.x.dtype == torch.float32 and batch.y.dtype == torch.int64


def test_custom_dataset_goes_through_a_dataloader() -> None:
    class Pairs(Dataset):
        def __len__(self) -> int:
            return 10

        def __getitem__(self, i: int):
            return torch.zeros(2), torch.zeros(1)

    source = as_batch_source(
        Pairs(),
        batch_size=4,
        shuffle=True,
        generator=torch.Generator(),
        device=torch.device("cpu"),
        float_dtype=torch.float32,
    )
    assert isinstance(source, IterableSource) and source.kind == "Dataset" and source.length() == 3


def test_non_numeric_and_misaligned_arrays_are_refused() -> None:
    with pytest.raises(DataError, match="non-numeric"):
        as_batch_source(
            (np.array([["a"], ["b"]], dtype=object), np.zeros(2)),
            batch_size=2,
            shuffle=False,
            generator=None,
            device=torch.device("cpu"),
            float_dtype=torch.float32,
        )
    with pytest.raises(DataError, match="10 rows but y has 9"):
        as_batch_source(
            (np.zeros((10, 2)), np.zeros(9)),
            batch_size=2,
            shuffle=False,
            generator=None,
            device=torch.device("cpu"),
            float_dtype=torch.float32,
        )


def test_batches_that_are_not_pairs_are_explained(mlp: MakeMLP) -> None:
    batches = [(torch.zeros(4, 4), torch.zeros(4, 1), torch.zeros(4))]
    with pytest.raises(
        DataError, match=r"batch 0 from the iterable is a tuple of length 3.*\(inputs, targets\)"
    ):
        Trainer(mlp(), nn.MSELoss()).fit(batches, epochs=1)


def test_unsupported_data_is_refused(mlp: MakeMLP) -> None:
    with pytest.raises(ConfigError, match="cannot train on int"):
        Trainer(mlp(), nn.MSELoss()).fit(42, epochs=1)
    with pytest.raises(ConfigError, match="needs targets"):
        Trainer(mlp(), nn.MSELoss()).fit(torch.zeros(8, 4), epochs=1)


def test_a_generator_object_cannot_serve_several_epochs_without_steps(regression: Data, mlp: MakeMLP) -> None:
    x, y = regression
    gen = ((x[i : i + 32], y[i : i + 32]) for i in range(0, 100, 32))
    with pytest.raises(ConfigError, match="generator function itself"):
        Trainer(mlp(), nn.MSELoss()).fit(gen, epochs=2)


def test_a_one_shot_iterator_is_refused_as_validation(regression: Data, mlp: MakeMLP) -> None:
    with pytest.raises(ConfigError, match="used up by the first validation"):
        Trainer(mlp(), nn.MSELoss()).fit(regression, val=iter([regression]), epochs=2)


# --- seeds ---------------------------------------------------------------------------------------


def _trained_weights(seed: int, regression: Data, mlp: MakeMLP) -> list[torch.Tensor]:
    model = mlp(dropout=0.2)  # dropout draws from the global RNG, shuffling from the Trainer's generator
    Trainer(model, nn.MSELoss(), seed=seed).fit(regression, epochs=3)
    return [p.detach().clone() for p in model.parameters()]


def test_same_seed_gives_identical_weights_and_different_seeds_differ(regression: Data, mlp: MakeMLP) -> None:
    first = _trained_weights(7, regression, mlp)
    torch.manual_seed(999)  # global state in between must not matter
    second = _trained_weights(7, regression, mlp)
    other = _trained_weights(8, regression, mlp)
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    assert not all(torch.equal(a, b) for a, b in zip(first, other, strict=True))


# --- optimizer forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        None,
        torch.optim.SGD,
        (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
        lambda params: torch.optim.SGD(params, lr=0.1),
    ],
)
def test_optimizer_can_be_given_in_every_documented_form(spec, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss(), optimizer=spec)
    assert isinstance(trainer.optimizer, torch.optim.Optimizer)
    assert isinstance(trainer.optimizer, torch.optim.Adam if spec is None else torch.optim.SGD)
    if spec is None:
        assert trainer.optimizer.param_groups[0]["lr"] == 1e-3


def test_optimizer_instance_must_belong_to_the_module(mlp: MakeMLP) -> None:
    model = mlp()
    own = torch.optim.SGD(model.parameters(), lr=0.1)
    assert Trainer(model, nn.MSELoss(), optimizer=own).optimizer is own
    foreign = torch.optim.SGD(mlp().parameters(), lr=0.1)
    with pytest.raises(ConfigError, match="none of this module's parameters"):
        Trainer(model, nn.MSELoss(), optimizer=foreign)
    with pytest.raises(ConfigError, match="not an optimizer"):
        Trainer(model, nn.MSELoss(), optimizer=lambda params: "adam")


def test_bad_arguments_are_config_errors(regression: Data, mlp: MakeMLP) -> None:
    with pytest.raises(ConfigError, match="torch.nn.Module"):
        Trainer("model", nn.MSELoss())  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="CUDA is not available"):
        if torch.cuda.is_available():
            raise ConfigError("CUDA is not available (skipped on CUDA machines)")
        Trainer(mlp(), nn.MSELoss(), device="cuda")
    trainer = Trainer(mlp(), nn.MSELoss())
    for kwargs in ({"epochs": -1}, {"batch_size": 0}, {"steps_per_epoch": 0}, {"epochs": 2.5}):
        with pytest.raises(ConfigError):
            trainer.fit(regression, **kwargs)
    assert issubclass(ConfigError, TrainguardError)


def test_a_loss_that_is_not_a_scalar_is_explained(regression: Data, mlp: MakeMLP) -> None:
    with pytest.raises(ConfigError, match="not a single number.*reduction='mean'"):
        Trainer(mlp(), nn.MSELoss(reduction="none")).fit(regression, epochs=1)


# --- loop mechanics ------------------------------------------------------------------------------


def test_epochs_continue_across_fits_and_history_holds_the_latest(regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    trainer.fit(regression, epochs=2)
    history = trainer.fit(regression, epochs=3)
    assert history is trainer.history
    assert list(history.to_frame().index) == [2, 3, 4]
    assert trainer.epoch == 5 and trainer.global_step == 20


def test_stop_training_flag_ends_the_epoch_early(regression: Data, mlp: MakeMLP) -> None:
    class StopAfterTwoBatches(Callback):
        def on_batch_end(self, step, logs=None) -> None:
            if step == 1:
                self.trainer.stop_training = True

    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[StopAfterTwoBatches()])
    history = trainer.fit(regression, epochs=5)
    assert trainer.global_step == 2 and len(history) == 1


def test_batch_logs_carry_device_tensors_not_host_floats(regression: Data, mlp: MakeMLP) -> None:
    seen: list[object] = []

    class Spy(Callback):
        def on_batch_end(self, step, logs=None) -> None:
            seen.append(logs["loss"])

    Trainer(mlp(), nn.MSELoss(), callbacks=[Spy()]).fit(regression, epochs=1)
    assert all(isinstance(v, torch.Tensor) and v.ndim == 0 for v in seen)


def test_evaluate_and_predict_accept_the_same_forms(regression: Data, mlp: MakeMLP) -> None:
    x, y = regression
    model = mlp()
    trainer = Trainer(model, nn.MSELoss())
    loader = DataLoader(TensorDataset(x, y), batch_size=7)
    assert trainer.evaluate(regression)["loss"] == pytest.approx(trainer.evaluate(loader)["loss"], rel=1e-5)
    with torch.no_grad():
        expected = model(x.to(trainer.device)).cpu()
    assert torch.allclose(trainer.predict(x).cpu(), expected)
    assert torch.allclose(trainer.predict(x.numpy()).cpu(), expected)
    assert torch.allclose(trainer.predict(loader).cpu(), expected)
    assert model.training, "evaluate/predict restore the module's mode"


def test_state_dict_round_trip_restores_weights_counters_and_callbacks(
    regression: Data, mlp: MakeMLP
) -> None:
    first = Trainer(mlp(), nn.MSELoss())
    first.fit(regression, epochs=2)
    state = copy.deepcopy(first.state_dict())  # like a save/load: state_dict() returns live tensors
    second = Trainer(mlp(seed=5), nn.MSELoss())
    second.load_state_dict(state)
    assert second.epoch == 2 and second.global_step == 8
    for a, b in zip(first.module.parameters(), second.module.parameters(), strict=True):
        assert torch.equal(a, b)
    assert second.history.epochs == [0, 1]
    assert second.optimizer.state_dict()["state"].keys() == first.optimizer.state_dict()["state"].keys()
    # both continue identically: same weights, optimizer state, shuffling generator and RNG
    first.fit(regression, epochs=1)
    second.fit(regression, epochs=1)
    for a, b in zip(first.module.parameters(), second.module.parameters(), strict=True):
        assert torch.equal(a, b)


def test_verbose_prints_epoch_lines_instead_of_silence(regression: Data, mlp: MakeMLP) -> None:
    buffer = io.StringIO()
    trainer = Trainer(mlp(), nn.MSELoss(), verbose=2)
    trainer.console = Console(file=buffer, width=200)
    trainer.fit(regression, val=regression, epochs=2)
    out = buffer.getvalue()
    assert "epoch 0 (1/2): loss" in out and "val_loss" in out and "epoch 1 (2/2)" in out
    silent = io.StringIO()
    quiet = Trainer(mlp(), nn.MSELoss())
    quiet.console = Console(file=silent)
    quiet.fit(regression, epochs=1)
    assert silent.getvalue() == ""


def test_logger_callback_receives_each_epochs_metrics(regression: Data, mlp: MakeMLP) -> None:
    received: list[tuple[dict[str, float], int]] = []
    logger = LoggerCallback(lambda metrics, step: received.append((metrics, step)), prefix="train/")
    Trainer(mlp(), nn.MSELoss(), callbacks=[logger]).fit(regression, val=regression, epochs=2)
    assert [step for _, step in received] == [0, 1]
    assert {"train/loss", "train/val_loss", "train/lr"} <= set(received[0][0])
    assert all(isinstance(v, float) for v in received[0][0].values())


def test_logger_callback_by_global_step_and_by_subclass(regression: Data, mlp: MakeMLP) -> None:
    class Collect(LoggerCallback):
        def __init__(self) -> None:
            super().__init__(step="global_step")
            self.steps: list[int] = []

        def log(self, metrics, step) -> None:
            self.steps.append(step)

    collect = Collect()
    Trainer(mlp(), nn.MSELoss(), callbacks=[collect]).fit(regression, epochs=2)
    assert collect.steps == [4, 8]


# --- fused optimizers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "kwargs"),
    [
        (None, {}),
        (torch.optim.Adam, {"lr": 1e-3}),
        ((torch.optim.AdamW, {"lr": 3e-3, "weight_decay": 0.1}), {"lr": 3e-3, "weight_decay": 0.1}),
        ((torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}), {"lr": 0.05, "momentum": 0.9}),
    ],
)
def test_optimizers_named_by_class_are_fused_with_the_same_math(
    spec: object, kwargs: dict, regression: Data, mlp: MakeMLP
) -> None:
    torch.manual_seed(0)
    model = mlp()
    twin = copy.deepcopy(model)
    fused = Trainer(model, nn.MSELoss(), optimizer=spec, device="cpu")
    assert fused.optimizer.defaults["fused"] is True
    cls = torch.optim.Adam if spec is None else spec if isinstance(spec, type) else spec[0]
    unfused_kwargs = kwargs or {"lr": 1e-3}
    plain = Trainer(twin, nn.MSELoss(), optimizer=lambda p: cls(p, **unfused_kwargs), device="cpu")
    assert not plain.optimizer.defaults.get("fused")
    fused.fit(regression, epochs=5, batch_size=16)
    plain.fit(regression, epochs=5, batch_size=16)
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    assert fused.global_step == plain.global_step == 35


def test_the_users_own_fused_or_foreach_choice_is_kept(mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss(), optimizer=(torch.optim.Adam, {"foreach": True}), device="cpu")
    assert not trainer.optimizer.defaults["fused"] and trainer.optimizer.defaults["foreach"]
    subclass = type("MyAdam", (torch.optim.Adam,), {})
    assert not Trainer(mlp(), nn.MSELoss(), optimizer=subclass, device="cpu").optimizer.defaults["fused"]
