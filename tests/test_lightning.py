"""trainguard.lightning.TrainGuard on real Lightning: a wrong IterableDataset length, NaN, loss checks."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

L = pytest.importorskip("lightning.pytorch")

from trainguard.guards.epoch_length import EpochLengthError  # noqa: E402
from trainguard.guards.nonfinite import NonFiniteError  # noqa: E402
from trainguard.lightning import TrainGuard, past_len_finding  # noqa: E402
from trainguard.nn.guards.loss_mismatch import LossMismatchError  # noqa: E402


@pytest.fixture(autouse=True)
def _quiet() -> None:
    torch.manual_seed(0)
    warnings.filterwarnings("ignore", module="lightning")


class Regressor(L.LightningModule):
    def __init__(
        self, lr: float = 1e-2, loss_fn: nn.Module | None = None, net: nn.Module | None = None
    ) -> None:
        super().__init__()
        self.net = net or nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
        self.loss_fn = loss_fn or nn.MSELoss()
        self.lr = lr

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return self.loss_fn(self(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr)


def _trainer(guard: TrainGuard, epochs: int = 2) -> L.Trainer:
    return L.Trainer(
        max_epochs=epochs,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[guard],
    )


class Stream(torch.utils.data.IterableDataset):
    """An IterableDataset that claims ``claimed`` samples and yields ``actual``."""

    def __init__(self, actual: int, claimed: int) -> None:
        g = torch.Generator().manual_seed(0)
        self.x = torch.randn(actual, 4, generator=g)
        self.y = self.x.sum(1, keepdim=True)
        self.claimed = claimed

    def __len__(self) -> int:
        return self.claimed

    def __iter__(self):
        yield from zip(self.x, self.y, strict=True)


def _loader(dataset, batch_size: int = 8) -> torch.utils.data.DataLoader:
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size)


def test_iterable_dataset_with_a_too_large_len_is_a_short_epoch_error() -> None:
    guard = TrainGuard()
    with pytest.raises(EpochLengthError) as info:
        _trainer(guard).fit(Regressor(), _loader(Stream(actual=40, claimed=80)))
    ev = info.value.finding.evidence
    assert (ev["epoch"], ev["received"], ev["expected"]) == (0, 5, 10)
    assert "__len__ reports 10 but iteration yields 5" in str(info.value)
    assert guard.findings == [info.value.finding]


def test_iterable_dataset_with_the_right_len_trains_without_findings() -> None:
    guard = TrainGuard()
    trainer = _trainer(guard)
    trainer.fit(Regressor(), _loader(Stream(actual=40, claimed=40)))
    assert guard.findings == [] and trainer.global_step == 10


# --- an IterableDataset whose __len__ is too small: Lightning never reads the rest -------------------


def test_iterable_dataset_with_a_too_small_len_stops_at_fit_start_naming_it() -> None:
    guard = TrainGuard()
    model = Regressor()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trainer = _trainer(guard)
    with pytest.raises(EpochLengthError) as info:
        trainer.fit(model, _loader(Stream(actual=40, claimed=24)))
    finding = info.value.finding
    assert finding.id == "len-too-small" and guard.findings == [finding]
    assert "Stream.__len__ returns 24, but iterating it yields 40 samples (16 samples past len())" in str(
        info.value
    )
    assert "len(DataLoader) = 3 batches, so 16 samples are never trained on" in finding.message
    assert "(40 here)" in finding.fix and "remove __len__" in finding.fix
    assert (finding.evidence["declared"], finding.evidence["unseen"]) == (24, 16)
    assert trainer.global_step == 0, "stopped before the first step"
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_iterable_dataset_with_the_corrected_len_trains_on_all_of_it_without_findings() -> None:
    guard = TrainGuard()
    trainer = _trainer(guard)
    trainer.fit(Regressor(), _loader(Stream(actual=40, claimed=40)))
    assert guard.findings == [] and trainer.global_step == 10


def test_a_len_short_only_within_the_last_batch_is_a_warning_and_trains() -> None:
    guard = TrainGuard()
    trainer = _trainer(guard, epochs=1)
    with pytest.warns(UserWarning, match="len-too-small"):
        trainer.fit(Regressor(), _loader(Stream(actual=40, claimed=38)))  # 5 batches of 8 hold all 40
    assert [f.id for f in guard.findings] == ["len-too-small"] and trainer.global_step == 5


class Endless(torch.utils.data.IterableDataset):
    """An endless stream whose __len__ cuts the epoch on purpose."""

    def __len__(self) -> int:
        return 32

    def __iter__(self):
        g = torch.Generator().manual_seed(0)
        while True:
            x = torch.randn(4, generator=g)
            yield x, x.sum(0, keepdim=True)


def test_an_endless_stream_cut_by_len_is_by_design_and_trains_without_findings() -> None:
    guard = TrainGuard()
    trainer = _trainer(guard)
    trainer.fit(Regressor(), _loader(Endless()))
    assert guard.findings == [] and trainer.global_step == 8


def test_data_checks_off_skips_the_probe() -> None:
    guard = TrainGuard(data_checks=False)
    trainer = _trainer(guard, epochs=1)
    trainer.fit(Regressor(), _loader(Stream(actual=40, claimed=24)))
    assert guard.findings == [] and trainer.global_step == 3


class Shuffled(Stream):
    def __iter__(self):
        order = torch.randperm(len(self.x))  # the global generator, as user code often does
        yield from zip(self.x[order], self.y[order], strict=True)


def test_the_probe_leaves_the_random_state_as_it_was() -> None:
    torch.manual_seed(3)
    state = torch.get_rng_state()
    finding = past_len_finding(Shuffled(actual=40, claimed=24), n_batches=3, batch_size=8)
    assert finding is not None and finding.evidence["past_end"] == 16
    assert torch.equal(torch.get_rng_state(), state)


def test_huge_learning_rate_stops_before_the_weights_naming_the_module() -> None:
    g = torch.Generator().manual_seed(1)
    x = torch.randn(256, 4, generator=g) * 50
    data = torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True))
    model = Regressor(lr=5.0)
    guard = TrainGuard()
    with pytest.raises(NonFiniteError) as info:
        _trainer(guard, epochs=50).fit(model, torch.utils.data.DataLoader(data, batch_size=16))
    ev = info.value.finding.evidence
    assert ev["lrs"] == [5.0] and ev["losses"] and ev["grad_norms"]
    assert all(torch.isfinite(p).all() for p in model.parameters()), "the bad step never reached the weights"
    assert ev["stage"] in {"forward", "loss", "backward"}
    if ev["stage"] == "forward":
        assert ev["origin"].startswith("net.")


class LogOfNegative(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.log(x - 100.0)


def test_nan_module_is_named_and_weights_are_untouched() -> None:
    model = Regressor(net=nn.Sequential(nn.Linear(4, 4), LogOfNegative(), nn.Linear(4, 1)))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(NonFiniteError) as info:
        _trainer(TrainGuard()).fit(model, _loader(Stream(actual=32, claimed=32)))
    ev = info.value.finding.evidence
    assert ev["stage"] == "forward" and ev["origin"] == "net.1 (LogOfNegative)" and ev["step"] == 0
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_skip_batch_skips_bad_steps_exactly() -> None:
    x = torch.randn(32, 4)
    y = x.sum(1, keepdim=True)
    y[0] = float("nan")  # the first batch of 8 holds a NaN target
    model = Regressor()
    trainer = _trainer(TrainGuard("skip_batch"), epochs=1)
    trainer.fit(model, torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8))
    assert all(torch.isfinite(p).all() for p in model.parameters())


class Classifier(Regressor):
    def __init__(self, loss_fn: nn.Module, sigmoid: bool) -> None:
        super().__init__(
            loss_fn=loss_fn, net=nn.Sequential(nn.Linear(4, 1), *([nn.Sigmoid()] if sigmoid else []))
        )


def test_first_batch_checks_use_the_modules_loss_attribute() -> None:
    x = torch.randn(32, 4)
    y = (x[:, :1] > 0).float()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    guard = TrainGuard()
    with pytest.warns(UserWarning, match="double-sigmoid"):
        _trainer(guard, epochs=1).fit(Classifier(nn.BCEWithLogitsLoss(), sigmoid=True), loader)
    assert [f.id for f in guard.findings] == ["double-sigmoid"]
    flat = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y[:, 0]), batch_size=16)
    with pytest.raises(LossMismatchError) as info:
        _trainer(TrainGuard(), epochs=1).fit(Classifier(nn.MSELoss(), sigmoid=False), flat)
    assert info.value.finding.id == "loss-shape-broadcast"
