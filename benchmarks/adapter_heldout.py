#!/usr/bin/env python
"""Held-out programs for trainguard's Keras, skorch and Lightning callbacks, scored against labels.

``benchmarks/adapter_programs/labels.json`` says, for each program below, which finding the
callback must report (or ``null``: it must train without one); the labels were committed before
the callbacks were first run on these programs. The seed programs (seeds/002, seeds/003) are the
development part and live in the tests. Prints one line per program and the tally.

    KERAS_BACKEND=torch python benchmarks/adapter_heldout.py
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from trainguard.guards.base import GuardError

os.environ.setdefault("KERAS_BACKEND", "torch")  # keras is imported inside the programs, after this
warnings.filterwarnings("ignore")

LABELS = Path(__file__).parent / "adapter_programs" / "labels.json"
RNG = np.random.default_rng(0)
X100 = RNG.random((100, 10)).astype("float32")
Y100 = X100.sum(1).astype("float32")


def _keras_model(units: int = 1, activation: str | None = None, loss: Any = "mse", optimizer: Any = "adam"):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(units, activation=activation)])
    model.compile(optimizer=optimizer, loss=loss)
    return model


def _keras_guard():
    from trainguard.keras import TrainGuard

    return TrainGuard()


def keras_pydataset(ceil: bool) -> Any:
    import keras

    x = RNG.random((105, 10)).astype("float32")

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return math.ceil(105 / 10) if ceil else 105 // 10

        def __getitem__(self, i):
            return x[i * 10 : (i + 1) * 10], x[i * 10 : (i + 1) * 10].sum(1)

    guard = _keras_guard()
    _keras_model().fit(Batches(), epochs=2, callbacks=[guard], verbose=0)
    return guard


def keras_pydataset_floor_len() -> Any:
    return keras_pydataset(ceil=False)


def keras_pydataset_ceil_len() -> Any:
    return keras_pydataset(ceil=True)


def keras_generator_reshuffled_each_pass() -> Any:
    def batches():
        rng = np.random.default_rng(1)
        while True:
            perm = rng.permutation(100)
            for i in range(0, 100, 10):
                yield X100[perm[i : i + 10]], Y100[perm[i : i + 10]]

    guard = _keras_guard()
    _keras_model().fit(batches(), steps_per_epoch=10, epochs=4, callbacks=[guard], verbose=0)
    return guard


def keras_generator_steps_twice_the_data() -> Any:
    def batches():
        while True:
            for i in range(0, 100, 10):
                yield X100[i : i + 10], Y100[i : i + 10]

    guard = _keras_guard()
    _keras_model().fit(batches(), steps_per_epoch=20, epochs=3, callbacks=[guard], verbose=0)
    return guard


def keras_softmax_into_from_logits_true() -> Any:
    import keras

    guard = _keras_guard()
    model = _keras_model(3, "softmax", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X100, RNG.integers(0, 3, 100), epochs=1, callbacks=[guard], verbose=0)
    return guard


def keras_sigmoid_with_binary_crossentropy() -> Any:
    guard = _keras_guard()
    y = (X100[:, 0] > 0.5).astype("float32")  # (N,) against (N, 1) outputs: Keras aligns them
    _keras_model(1, "sigmoid", "binary_crossentropy").fit(X100, y, epochs=2, callbacks=[guard], verbose=0)
    return guard


def keras_diverging_sgd() -> Any:
    import keras

    guard = _keras_guard()
    model = _keras_model(optimizer=keras.optimizers.SGD(1.0))
    model.fit(X100 * 1000, Y100 * 1000, epochs=30, batch_size=10, callbacks=[guard], verbose=0)
    return guard


def _skorch_guard():
    from trainguard.skorch import TrainGuard

    return TrainGuard()


def skorch_nan_in_regression_target() -> Any:
    from skorch import NeuralNetRegressor

    y = Y100.reshape(-1, 1).copy()
    y[[7, 42]] = np.nan
    guard = _skorch_guard()
    NeuralNetRegressor(nn.Linear(10, 1), max_epochs=3, train_split=None, verbose=0, callbacks=[guard]).fit(
        X100, y
    )
    return guard


def skorch_clean_classifier() -> Any:
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import StandardScaler
    from skorch import NeuralNetClassifier

    x, y = load_iris(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype("float32")
    module = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=-1))
    guard = _skorch_guard()
    NeuralNetClassifier(module, max_epochs=5, lr=0.1, train_split=None, verbose=0, callbacks=[guard]).fit(
        x, y
    )
    return guard


class _Lit:
    @staticmethod
    def make(net: nn.Module):
        import lightning.pytorch as pl

        class Lit(pl.LightningModule):
            def __init__(self) -> None:
                super().__init__()
                self.net, self.loss_fn = net, nn.MSELoss()

            def forward(self, x):
                return self.net(x)

            def training_step(self, batch, batch_idx):
                return self.loss_fn(self(batch[0]), batch[1])

            def configure_optimizers(self):
                return torch.optim.Adam(self.parameters(), lr=1e-3)

        return Lit()

    @staticmethod
    def fit(model: Any, loader: Any) -> Any:
        import lightning.pytorch as pl

        from trainguard.lightning import TrainGuard

        guard = TrainGuard()
        pl.Trainer(
            max_epochs=2,
            accelerator="cpu",
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            callbacks=[guard],
        ).fit(model, loader)
        return guard


def lightning_iterable_len_too_large_by_drop() -> Any:
    class Rows(torch.utils.data.IterableDataset):
        """64 rows on disk; rows with a missing value are dropped while iterating, not in __len__."""

        def __len__(self):
            return 64

        def __iter__(self):
            g = torch.Generator().manual_seed(0)
            for i in range(64):
                x = torch.randn(10, generator=g)
                if i % 5 == 0:  # "missing value": skipped
                    continue
                yield x, x.sum(0, keepdim=True)

    loader = torch.utils.data.DataLoader(Rows(), batch_size=8)
    return _Lit.fit(_Lit.make(nn.Linear(10, 1)), loader)


class _Shards(torch.utils.data.IterableDataset):
    """Rows streamed from shards of unequal size (the last one holds the remainder)."""

    def __init__(self, sizes: list[int], *, summed: bool) -> None:
        g = torch.Generator().manual_seed(1)
        self.shards = [torch.randn(n, 10, generator=g) for n in sizes]
        self.summed = summed

    def __len__(self):
        if self.summed:
            return sum(len(s) for s in self.shards)
        return len(self.shards[0]) * len(self.shards)  # "all shards are the same size"

    def __iter__(self):
        for shard in self.shards:
            for x in shard:
                yield x, x.sum(0, keepdim=True)


def lightning_shards_len_from_the_first_shard() -> Any:
    loader = torch.utils.data.DataLoader(_Shards([20, 20, 20, 45], summed=False), batch_size=16)
    return _Lit.fit(_Lit.make(nn.Linear(10, 1)), loader)


def lightning_shards_len_summed() -> Any:
    loader = torch.utils.data.DataLoader(_Shards([20, 20, 20, 45], summed=True), batch_size=16)
    return _Lit.fit(_Lit.make(nn.Linear(10, 1)), loader)


class _LogOfRelu(nn.Module):
    def forward(self, x):
        return torch.log(torch.relu(x))


def lightning_log_of_zero_module() -> Any:
    net = nn.Sequential(nn.Linear(10, 8), _LogOfRelu(), nn.Linear(8, 1))
    data = torch.utils.data.TensorDataset(torch.from_numpy(X100 - 0.5), torch.from_numpy(Y100).unsqueeze(1))
    return _Lit.fit(_Lit.make(net), torch.utils.data.DataLoader(data, batch_size=10))


def run(name: str) -> tuple[list[str], str]:
    program = globals()[name]
    try:
        guard = program()
    except GuardError as exc:
        return [exc.finding.id], "stopped"
    except Exception as exc:  # noqa: BLE001 - a crash is a result to report
        return [], f"crashed: {type(exc).__name__}: {exc}"[:200]
    return [f.id for f in guard.findings], "trained"


def main() -> int:
    torch.set_num_threads(1)
    labels = {k: v for k, v in json.loads(LABELS.read_text()).items() if not k.startswith("_")}
    hits = 0
    for name, expected in labels.items():
        found, how = run(name)
        ok = (expected is None and not found and how == "trained") or (
            expected is not None and expected in found
        )
        hits += ok
        print(f"{'ok ' if ok else 'MISS'} {name:<42} expected={expected!s:<28} got={found} ({how})")
    print(f"{hits}/{len(labels)} programs as labelled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
