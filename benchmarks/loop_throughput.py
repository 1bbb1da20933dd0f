#!/usr/bin/env python
"""Benchmark: training-loop throughput of ``trainguard.nn.Trainer`` against the loops people write.

The same MLP (20 -> 64 -> 32 -> 1, ReLU, Adam lr 1e-3, MSE) trains on the same synthetic
regression data (100,000 rows of 20 float32 features) in several ways, at batch sizes 32 and 256:

  hand        a hand-written loop that indexes the whole tensors with a per-epoch ``randperm``
  dataloader  the loop tutorials show: ``DataLoader(TensorDataset(X, y), shuffle=True)``
  trainguard  ``trainguard.nn.Trainer`` with every guard on (the default), given Adam as a class, so it
              builds it with ``fused=True`` (the hand-written loops use the default Adam)
  tg-noguard  the same Trainer with ``guards=False``, to show what the guards cost
  skorch      ``skorch.NeuralNetRegressor``          (optional: skipped if not installed)
  lightning   a ``lightning`` (or ``pytorch_lightning``) Trainer over the DataLoader (optional)

Every way starts from identical weights, takes one Adam step per batch, shuffles every epoch and
tracks the epoch loss (the hand-written loops sum ``loss.item()`` as tutorials do). Each way runs
one epoch at a time, round-robin, in a rotating order, so machine noise hits all of them alike:
one warm-up epoch, then ``--epochs`` timed epochs; samples/s is rows / median epoch time.

For the frameworks an "epoch" is timed from their epoch-begin to their epoch-end callback, so
the per-``fit`` set-up (building a Lightning Trainer, a skorch iterator, the Trainer's batch
source) is not charged to the epoch: a real run trains many epochs per fit. That set-up is shown
separately as ``setup ms`` (wall time of the whole call minus the epoch).

Usage (from the repository root):

    .venv/bin/python benchmarks/loop_throughput.py                   # the ways that are installed
    .venv/bin/python benchmarks/loop_throughput.py --quick           # 20,000 rows, 3 timed epochs
    .venv/bin/python benchmarks/loop_throughput.py --json > out.json
    python benchmarks/loop_throughput.py --device cuda --skip skorch      # on a GPU machine

On CUDA the data lives on the GPU for the hand-written loop and the Trainer (which moves in-memory
tensors there once per ``fit``); the DataLoader loop keeps it on the host and moves each batch, as
tutorials do. Every timed epoch ends with ``torch.cuda.synchronize()``.

skorch and Lightning are not trainguard dependencies; install them in a separate environment
(see ``benchmarks/requirements-compare.txt`` and ``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import trainguard
from trainguard.nn import Callback, Trainer

N_FEATURES = 20
LR = 1e-3
SEED = 0
TARGETS = {"trainguard/hand": 1.2, "trainguard/dataloader@256": 1.5}
#: Set by ``--device``; every way trains there.
DEVICE = torch.device("cpu")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sync() -> None:
    """Wait for queued device work, so an epoch's time includes it (a no-op on the CPU)."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize(DEVICE)


# --- data and model -------------------------------------------------------------------------------


def make_data(rows: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A smooth non-linear target with noise, so the MLP has something to learn for many epochs."""
    g = torch.Generator().manual_seed(SEED)
    x = torch.randn(rows, N_FEATURES, generator=g)
    w = torch.randn(N_FEATURES, 1, generator=g) / N_FEATURES**0.5
    y = torch.sin(x @ w) + 0.5 * (x[:, :1] * x[:, 1:2]) + 0.1 * torch.randn(rows, 1, generator=g)
    return x.contiguous(), y.contiguous()


def make_mlp() -> nn.Module:
    torch.manual_seed(SEED)  # every way starts from the same weights
    mlp = nn.Sequential(nn.Linear(N_FEATURES, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
    return mlp.to(DEVICE)


# --- the ways ---------------------------------------------------------------------------------------


@dataclass
class Way:
    """One way of training: ``run_epoch()`` trains one epoch and returns (epoch seconds, call seconds)."""

    name: str
    batch_size: int
    run_epoch: Callable[[], tuple[float, float]]
    model: nn.Module
    epoch_times: list[float] = field(default_factory=list)
    call_times: list[float] = field(default_factory=list)


def hand_written(x: torch.Tensor, y: torch.Tensor, bs: int) -> Way:
    model = make_mlp()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()
    g = torch.Generator().manual_seed(SEED)
    n = len(x)
    x, y = x.to(DEVICE), y.to(DEVICE)

    def run_epoch() -> tuple[float, float]:
        started = time.perf_counter()
        model.train()
        total = 0.0
        perm = torch.randperm(n, generator=g).to(DEVICE)
        for i in range(0, n, bs):
            idx = perm[i : i + bs]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sync()
        elapsed = time.perf_counter() - started
        return elapsed, elapsed

    return Way("hand", bs, run_epoch, model)


def dataloader_loop(x: torch.Tensor, y: torch.Tensor, bs: int) -> Way:
    model = make_mlp()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()
    loader = DataLoader(
        TensorDataset(x, y), batch_size=bs, shuffle=True, generator=torch.Generator().manual_seed(SEED)
    )

    def run_epoch() -> tuple[float, float]:
        started = time.perf_counter()
        model.train()
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(DEVICE), yb.to(DEVICE)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        sync()
        elapsed = time.perf_counter() - started
        return elapsed, elapsed

    return Way("dataloader", bs, run_epoch, model)


class EpochClock(Callback):
    """Times the Trainer's epoch from on_epoch_begin to on_epoch_end."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        sync()
        self.seconds = time.perf_counter() - self._started


def trainguard_way(x: torch.Tensor, y: torch.Tensor, bs: int, guards: bool) -> Way:
    model = make_mlp()
    clock = EpochClock()
    trainer = Trainer(
        model,
        nn.MSELoss(),
        optimizer=(torch.optim.Adam, {"lr": LR}),  # named by class: the Trainer builds it fused
        callbacks=[clock],
        seed=SEED,
        device=DEVICE,
        guards=guards,
    )

    def run_epoch() -> tuple[float, float]:
        started = time.perf_counter()
        trainer.fit((x, y), epochs=1, batch_size=bs)
        return clock.seconds, time.perf_counter() - started

    return Way("trainguard" if guards else "tg-noguard", bs, run_epoch, model)


def skorch_way(x: torch.Tensor, y: torch.Tensor, bs: int) -> Way | None:
    try:
        import skorch
        from skorch.callbacks import Callback as SkorchCallback
    except ImportError:
        return None

    class SkorchClock(SkorchCallback):
        seconds = 0.0

        def on_epoch_begin(self, net: Any, **kwargs: Any) -> None:
            self._started = time.perf_counter()

        def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
            sync()
            SkorchClock.seconds = time.perf_counter() - self._started

    model = make_mlp()
    net = skorch.NeuralNetRegressor(
        model,
        criterion=nn.MSELoss,
        optimizer=torch.optim.Adam,
        lr=LR,
        batch_size=bs,
        max_epochs=1,
        train_split=None,  # no validation split, like the other ways
        iterator_train__shuffle=True,
        callbacks=[SkorchClock()],
        device=str(DEVICE),
        verbose=0,
    )
    net.initialize()
    x_np, y_np = x.numpy(), y.numpy()  # skorch's usual input

    def run_epoch() -> tuple[float, float]:
        started = time.perf_counter()
        net.partial_fit(x_np, y_np)  # one more epoch, keeping weights and optimizer state
        return SkorchClock.seconds, time.perf_counter() - started

    return Way("skorch", bs, run_epoch, model)


def lightning_way(x: torch.Tensor, y: torch.Tensor, bs: int) -> Way | None:
    try:
        import lightning.pytorch as pl
    except ImportError:
        try:
            import pytorch_lightning as pl
        except ImportError:
            return None
    for name in ("lightning", "lightning.pytorch", "pytorch_lightning", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=".*does not have many workers.*")
    warnings.filterwarnings("ignore", message=".*LitLogger.*")
    warnings.filterwarnings("ignore", message=".*LeafSpec.*")

    class LitMLP(pl.LightningModule):
        def __init__(self, module: nn.Module) -> None:
            super().__init__()
            self.module = module
            self.loss_fn = nn.MSELoss()
            # one optimizer for every fit, so Adam's moments survive like in the other ways
            self.optimizer = torch.optim.Adam(module.parameters(), lr=LR)

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            xb, yb = batch
            return self.loss_fn(self.module(xb), yb)

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return self.optimizer

    class LitClock(pl.Callback):
        seconds = 0.0

        def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
            self._started = time.perf_counter()

        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            sync()
            LitClock.seconds = time.perf_counter() - self._started

    model = make_mlp()
    lit = LitMLP(model)
    loader = DataLoader(
        TensorDataset(x, y), batch_size=bs, shuffle=True, generator=torch.Generator().manual_seed(SEED)
    )

    def run_epoch() -> tuple[float, float]:
        started = time.perf_counter()
        trainer = pl.Trainer(  # a fresh Trainer per epoch; its set-up is reported apart from the epoch
            accelerator="gpu" if DEVICE.type == "cuda" else "cpu",
            devices=1,
            max_epochs=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            num_sanity_val_steps=0,
            callbacks=[LitClock()],
        )
        trainer.fit(lit, train_dataloaders=loader)
        return LitClock.seconds, time.perf_counter() - started

    return Way("lightning", bs, run_epoch, model)


# --- running and reporting ------------------------------------------------------------------------


def build_ways(x: torch.Tensor, y: torch.Tensor, bs: int, skip: set[str]) -> tuple[list[Way], list[str]]:
    makers: list[tuple[str, Callable[[], Way | None]]] = [
        ("hand", lambda: hand_written(x, y, bs)),
        ("dataloader", lambda: dataloader_loop(x, y, bs)),
        ("trainguard", lambda: trainguard_way(x, y, bs, guards=True)),
        ("tg-noguard", lambda: trainguard_way(x, y, bs, guards=False)),
        ("skorch", lambda: skorch_way(x, y, bs)),
        ("lightning", lambda: lightning_way(x, y, bs)),
    ]
    ways, missing = [], []
    for name, make in makers:
        if name in skip:
            continue
        way = make()
        if way is None:
            missing.append(name)
        else:
            ways.append(way)
    return ways, missing


def run_round_robin(ways: list[Way], warmup: int, epochs: int, threads: int) -> None:
    for round_ in range(warmup + epochs):
        shift = round_ % len(ways)
        for way in ways[shift:] + ways[:shift]:  # rotate the order: no way always runs first
            torch.set_num_threads(threads)  # frameworks may change it; keep every way on the same count
            epoch_s, call_s = way.run_epoch()
            if round_ >= warmup:
                way.epoch_times.append(epoch_s)
                way.call_times.append(call_s)
        label = "warm-up" if round_ < warmup else f"epoch {round_ - warmup + 1}/{epochs}"
        log(f"  bs={ways[0].batch_size}: {label} done")


def final_mse(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        device = next(model.parameters()).device  # Lightning moves the module back to the CPU
        return float(nn.functional.mse_loss(model(x.to(device)), y.to(device)))


def summarise(ways: list[Way], rows: int, x: torch.Tensor, y: torch.Tensor) -> dict[str, dict[str, Any]]:
    out = {}
    for way in ways:
        median = statistics.median(way.epoch_times)
        out[way.name] = {
            "samples_per_s": rows / median,
            "median_epoch_s": median,
            "epoch_s": way.epoch_times,
            "call_s": way.call_times,
            "setup_ms": 1000
            * statistics.median(c - e for c, e in zip(way.call_times, way.epoch_times, strict=True)),
            "final_mse": final_mse(way.model, x, y),
        }
    return out


def ratios(results: dict[int, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    rows = []

    def add(name: str, bs: int, a: str, b: str, target: float | None = None) -> None:
        res = results.get(bs, {})
        if a in res and b in res:
            value = res[a]["samples_per_s"] / res[b]["samples_per_s"]
            # the same ratio round by round (the two epochs ran minutes apart at most), then the median:
            # drifts in machine load cancel out of it
            per_round = [tb / ta for ta, tb in zip(res[a]["epoch_s"], res[b]["epoch_s"], strict=True)]
            paired = statistics.median(per_round)
            rows.append({"ratio": name, "batch_size": bs, "value": value, "paired": paired, "target": target})

    for bs in sorted(results):
        add("trainguard / hand", bs, "trainguard", "hand", TARGETS["trainguard/hand"])
        add(
            "trainguard / dataloader",
            bs,
            "trainguard",
            "dataloader",
            TARGETS["trainguard/dataloader@256"] if bs == 256 else None,
        )
        add("guards on / guards off", bs, "trainguard", "tg-noguard")
        add("trainguard / skorch", bs, "trainguard", "skorch")
        add("trainguard / lightning", bs, "trainguard", "lightning")
    return rows


def print_table(
    meta: dict[str, Any],
    results: dict[int, dict[str, dict[str, Any]]],
    ratio_rows: list[dict[str, Any]],
    missing: list[str],
) -> None:
    print(
        f"rows={meta['rows']} timed_epochs={meta['epochs']} (median, after {meta['warmup']} warm-up) "
        f"threads={meta['threads']} torch={meta['torch']} cpus={meta['cpus']} load1={meta['load1']:.2f} "
        f"device={meta['device']}"
    )
    print()
    header = (
        f"{'way':<12} {'batch':>5} {'samples/s':>11} {'epoch s':>8} {'min..max s':>15} "
        f"{'setup ms':>9} {'final MSE':>10}"
    )
    print(header)
    print("-" * len(header))
    for bs in sorted(results):
        for name, r in results[bs].items():
            lo, hi = min(r["epoch_s"]), max(r["epoch_s"])
            print(
                f"{name:<12} {bs:>5} {r['samples_per_s']:>11,.0f} {r['median_epoch_s']:>8.3f} "
                f"{lo:>7.3f}..{hi:<7.3f} {r['setup_ms']:>9.1f} {r['final_mse']:>10.4f}"
            )
    print()
    print(f"{'ratio (samples/s)':<26} {'batch':>5} {'medians':>8} {'paired':>7} {'target':>7}  ")
    print("-" * 62)
    for row in ratio_rows:
        target = row["target"]
        verdict = "" if target is None else ("ok" if row["value"] >= target else "MISSED")
        target_text = "" if target is None else f">={target:g}"
        print(
            f"{row['ratio']:<26} {row['batch_size']:>5} {row['value']:>8.3f} {row['paired']:>7.3f} "
            f"{target_text:>7}  {verdict}"
        )
    if missing:
        print()
        print(
            f"skipped (not installed): {', '.join(missing)}; "
            "pip install -r benchmarks/requirements-compare.txt"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=None, help="rows of synthetic data (default 100000; 20000 with --quick)"
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="timed epochs per way (default 5; 3 with --quick)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="untimed warm-up epochs per way (default 1)")
    parser.add_argument("--batch-sizes", default="32,256", help="comma-separated (default 32,256)")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch.set_num_threads for every way (default 1)"
    )
    parser.add_argument("--skip", default="", help="comma-separated ways to leave out, e.g. lightning,skorch")
    parser.add_argument("--quick", action="store_true", help="20000 rows, 3 timed epochs")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout instead of the table")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    args = parser.parse_args(argv)
    global DEVICE
    DEVICE = torch.device(args.device)
    rows = args.rows or (20_000 if args.quick else 100_000)
    epochs = args.epochs or (3 if args.quick else 5)
    if epochs < 3:
        parser.error("--epochs must be at least 3 (the median of fewer is not robust)")
    batch_sizes = [int(b) for b in args.batch_sizes.split(",") if b]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    torch.set_num_threads(args.threads)
    x, y = make_data(rows)
    results: dict[int, dict[str, dict[str, Any]]] = {}
    missing: list[str] = []
    started = time.perf_counter()
    for bs in batch_sizes:
        ways, missing = build_ways(x, y, bs, skip)
        log(f"batch size {bs}: {', '.join(w.name for w in ways)}")
        run_round_robin(ways, args.warmup, epochs, args.threads)
        results[bs] = summarise(ways, rows, x, y)
    meta = {
        "rows": rows,
        "features": N_FEATURES,
        "epochs": epochs,
        "warmup": args.warmup,
        "threads": args.threads,
        "torch": torch.__version__,
        "trainguard": trainguard.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load1": os.getloadavg()[0],
        "versions": _versions(),
        "wall_s": time.perf_counter() - started,
        "device": torch.cuda.get_device_name(DEVICE) if DEVICE.type == "cuda" else "cpu",
    }
    ratio_rows = ratios(results)
    if args.json:
        json.dump(
            {
                "meta": meta,
                "results": {str(k): v for k, v in results.items()},
                "ratios": ratio_rows,
                "skipped": missing,
            },
            sys.stdout,
            indent=2,
        )
        print()
    else:
        print_table(meta, results, ratio_rows, missing)
    return 0


def _versions() -> dict[str, str]:
    from importlib import metadata

    versions = {}
    for package in ("skorch", "lightning", "pytorch-lightning"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions


if __name__ == "__main__":
    sys.exit(main())
