"""trainguard.skorch.TrainGuard on real skorch: seed 003's program, NaN stops, loss checks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

skorch = pytest.importorskip("skorch")

from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, StandardScaler  # noqa: E402
from skorch import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

from trainguard.guards.epoch_length import EpochLengthError  # noqa: E402
from trainguard.guards.nonfinite import NonFiniteError  # noqa: E402
from trainguard.nn.guards.loss_mismatch import LossMismatchError  # noqa: E402
from trainguard.skorch import TrainGuard  # noqa: E402


@pytest.fixture(autouse=True)
def _seeded() -> None:
    torch.manual_seed(0)


class MyModel(nn.Module):
    """Seed 003's model, filled in: features -> probabilities over 2 classes."""

    def __init__(self, n_in: int = 3, softmax: bool = True) -> None:
        super().__init__()
        self.hidden = nn.Linear(n_in, 8)
        self.out = nn.Linear(8, 2)
        self.softmax = softmax

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        z = self.out(torch.relu(self.hidden(X)))
        return torch.softmax(z, dim=-1) if self.softmax else z


# seed 003: the data of its Example 1, with NaNs
X = np.array([[1, 2, np.nan], [4, 5, 6], [7, np.nan, 9], [10, 11, 12]], dtype=np.float32)
y = np.array([1, 0, 1, 0])


def _net(guard: TrainGuard, **kwargs) -> NeuralNetClassifier:
    return NeuralNetClassifier(
        MyModel,
        max_epochs=10,
        iterator_train__shuffle=True,
        verbose=0,
        train_split=None,
        callbacks=[guard],
        **kwargs,
    )


def test_seed_nan_inputs_stop_at_fit_start_naming_columns_and_rows() -> None:
    guard = TrainGuard()
    net = _net(guard)
    with pytest.raises(NonFiniteError) as info:
        net.fit(X, y)
    finding = info.value.finding
    assert finding.id == "non-finite-training-data"
    assert [(c["column"], c["rows"]) for c in finding.evidence["columns"]] == [
        ("X column 1", [2]),
        ("X column 2", [0]),
    ]
    assert "SimpleImputer" in finding.fix and guard.findings == [finding]
    assert len(net.history) == 0, "not a single epoch ran"


def test_seed_nan_inputs_without_the_guard_give_nan_every_epoch() -> None:
    """The seed's symptom, reproduced: without the callback skorch trains on and reports NaN."""
    net = NeuralNetClassifier(MyModel, max_epochs=3, verbose=0, train_split=None)
    net.fit(X, y)
    assert all(np.isnan(loss) for loss in net.history[:, "train_loss"])


def test_seed_corrected_program_imputes_and_trains_without_findings() -> None:
    guard = TrainGuard()
    pipe = make_pipeline(
        SimpleImputer(strategy="mean"),
        StandardScaler(),
        FunctionTransformer(lambda a: a.astype(np.float32)),
        _net(guard),
    )
    pipe.fit(X, y)
    assert guard.findings == [] and len(pipe[-1].history) == 10
    assert np.isfinite(pipe[-1].history[:, "train_loss"]).all()


def test_dataframe_columns_are_named() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["age", "income", "tenure"])
    with pytest.raises(NonFiniteError, match="X column 'income': 1 \\(1 NaN\\) at rows 2"):
        _net(TrainGuard()).fit(frame, y)


class LogOfNegative(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.log(x - 100.0)


def test_nan_from_a_module_stops_before_the_step_naming_the_module() -> None:
    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(64, 3)).astype(np.float32)
    yr = rng.normal(size=(64, 1)).astype(np.float32)
    module = nn.Sequential(nn.Linear(3, 4), LogOfNegative(), nn.Linear(4, 1))
    guard = TrainGuard()
    net = NeuralNetRegressor(module, max_epochs=2, verbose=0, train_split=None, callbacks=[guard], lr=0.01)
    net.initialize()
    before = {k: v.clone() for k, v in net.module_.state_dict().items()}
    with pytest.raises(NonFiniteError) as info:
        net.fit(Xr, yr)
    ev = info.value.finding.evidence
    assert ev["stage"] == "forward" and ev["origin"] == "1 (LogOfNegative)"
    assert ev["inputs_finite"] and (ev["epoch"], ev["batch_index"]) == (1, 0)
    after = net.module_.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before), "the bad step never reached the weights"


def test_huge_learning_rate_is_caught_before_the_weights_go_nan() -> None:
    rng = np.random.default_rng(1)
    Xr = (rng.normal(size=(256, 4)) * 50).astype(np.float32)
    yr = (Xr @ np.ones((4, 1))).astype(np.float32)
    module = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    net = NeuralNetRegressor(
        module, max_epochs=50, lr=5.0, verbose=0, train_split=None, callbacks=[TrainGuard()], batch_size=16
    )
    with pytest.raises(NonFiniteError) as info:
        net.fit(Xr, yr)
    ev = info.value.finding.evidence
    assert ev["lrs"] == [5.0] and ev["grad_norms"]
    assert all(torch.isfinite(p).all() for p in net.module_.parameters())


def test_skip_batch_keeps_training_with_finite_weights() -> None:
    rng = np.random.default_rng(2)
    Xr = rng.normal(size=(64, 3)).astype(np.float32)
    yr = rng.normal(size=(64, 1)).astype(np.float32)
    yr[3] = np.inf  # one bad target row: its batch is skipped, the others train
    net = NeuralNetRegressor(
        nn.Linear(3, 1),
        max_epochs=2,
        verbose=0,
        train_split=None,
        batch_size=16,
        callbacks=[TrainGuard("skip_batch", data_checks=False)],
    )
    net.fit(Xr, yr)
    assert all(torch.isfinite(p).all() for p in net.module_.parameters())


def test_raw_logits_into_the_classifiers_nll_loss_is_an_error() -> None:
    rng = np.random.default_rng(3)
    Xc = rng.normal(size=(32, 3)).astype(np.float32) * 5
    yc = rng.integers(0, 2, size=32)
    with pytest.raises(LossMismatchError) as info:
        _net(TrainGuard(), module__softmax=False).fit(Xc, yc)
    assert info.value.finding.id == "loss-input-not-probabilities"
    assert "nn.Softmax(dim=-1)" in info.value.finding.fix


def test_short_epoch_from_an_iterable_dataset_is_an_error() -> None:
    class Short(torch.utils.data.IterableDataset):
        def __init__(self, n_first: int, n_later: int) -> None:
            self.calls, self.sizes = 0, (n_first, n_later)

        def __iter__(self):
            n = self.sizes[min(self.calls, 1)]
            self.calls += 1
            for i in range(n):
                yield torch.full((3,), float(i)), torch.zeros(1)

    net = NeuralNetRegressor(
        nn.Linear(3, 1), max_epochs=3, verbose=0, train_split=None, batch_size=4, callbacks=[TrainGuard()]
    )
    with pytest.raises(EpochLengthError) as info:
        net.fit(Short(32, 20), None)
    ev = info.value.finding.evidence
    assert (ev["epoch"], ev["received"], ev["expected"]) == (2, 5, 8)


def test_a_fitted_net_with_the_guard_clones_and_refits() -> None:
    from sklearn.base import clone

    rng = np.random.default_rng(2)
    Xc = rng.normal(size=(32, 3)).astype(np.float32)
    yc = (Xc[:, 0] > 0).astype(np.int64)
    net = _net(TrainGuard("skip_batch", data_checks=False)).set_params(max_epochs=2).fit(Xc, yc)
    twin = clone(net)
    (guard,) = twin.callbacks
    assert guard.get_params() == {
        "nonfinite": "skip_batch",
        "epoch_length": True,
        "loss_mismatch": True,
        "data_checks": False,
        "verbose": False,
    }
    twin.fit(Xc, yc)
    assert len(twin.history) == 2 and guard.findings == []
