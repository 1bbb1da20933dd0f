"""ModelCheckpoint and exact resume: the files, their safety, and bit-for-bit continuation.

The resume tests compare a run that was interrupted (stopped, crashed, or SIGKILLed in another
process) and resumed by a *fresh* Trainer whose model starts from different weights against an
uninterrupted run with the same seed: weights must be ``torch.equal`` and histories identical
(apart from the wall-clock ``time`` column).
"""

from __future__ import annotations

import math
import os
import queue
import random
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn
from torch.optim.lr_scheduler import OneCycleLR, StepLR

import trainguard
from trainguard.errors import ConfigError, TrainguardError
from trainguard.nn import (
    Callback,
    CheckpointError,
    EarlyStopping,
    LRScheduler,
    ModelCheckpoint,
    Trainer,
    TrainguardWarning,
    checkpointing,
)
from trainguard.nn.checkpointing import BEST, LAST, decode, encode, native_rng, portable_rng, read_checkpoint
from trainguard.nn.seed import rng_state, set_rng_state

Data = tuple[torch.Tensor, torch.Tensor]
MakeMLP = Callable[..., nn.Module]
EPOCHS = 6
BATCHES_PER_EPOCH = 4  # 100 rows in batches of 32


# --- helpers ----------------------------------------------------------------------------------------


class Scripted(Callback):
    """Puts ``values[epoch]`` into the epoch logs as ``key``: a metric whose best epoch we choose."""

    def __init__(self, values: list[float], key: str = "val_error") -> None:
        self.values, self.key = values, key

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        logs[self.key] = self.values[epoch]


class WeightLog(Callback):
    """The weights after each epoch, to check what the best checkpoint holds."""

    def on_train_begin(self, logs=None) -> None:
        self.by_epoch: dict[int, dict[str, torch.Tensor]] = {}

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        self.by_epoch[epoch] = {k: v.clone() for k, v in self.trainer.module.state_dict().items()}


class Crash(Callback):
    """Simulates a crash in the middle of epoch ``epoch`` (after its second batch)."""

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def on_batch_end(self, step: int, logs=None) -> None:
        if self.trainer.epoch == self.epoch and logs["batch"] == 1:
            raise RuntimeError("simulated crash")


def dropout_mlp(seed: int = 123) -> nn.Module:
    """Dropout makes the global torch RNG matter, so a wrongly restored RNG changes the weights."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 1))


def scheduler(kind: str) -> LRScheduler:
    if kind == "onecycle":  # per step, and its lr anchors live in the optimizer's param groups
        return LRScheduler(
            lambda opt: OneCycleLR(opt, max_lr=0.05, total_steps=EPOCHS * BATCHES_PER_EPOCH), interval="step"
        )
    return LRScheduler(lambda opt: StepLR(opt, step_size=2, gamma=0.5))


def make_trainer(module: nn.Module, kind: str, *extra: Callback) -> Trainer:
    callbacks = [*extra, EarlyStopping(patience=10), scheduler(kind)]  # the Trainer moves checkpoints last
    return Trainer(module, nn.MSELoss(), optimizer=(torch.optim.Adam, {"lr": 0.02}), callbacks=callbacks)


def val_of(data: Data) -> Data:
    x, y = data
    return x[:40] + 0.05, y[:40]


def frame(trainer: Trainer) -> pd.DataFrame:
    return trainer.history.to_frame().drop(columns="time")


def assert_same_weights(a: nn.Module, b: nn.Module) -> None:
    sa, sb = a.state_dict(), b.state_dict()
    assert sa.keys() == sb.keys()
    for name in sa:
        assert torch.equal(sa[name], sb[name]), name


@pytest.fixture
def checkpoint_file(tmp_path: Path, regression: Data, mlp: MakeMLP) -> Path:
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[ModelCheckpoint(tmp_path / "ck")])
    trainer.fit(regression, val=val_of(regression), epochs=2)
    return tmp_path / "ck" / LAST


# --- what is written ----------------------------------------------------------------------------------


def test_best_and_last_hold_the_best_and_the_final_epoch(
    tmp_path: Path, regression: Data, mlp: MakeMLP
) -> None:
    ckpt, weights = ModelCheckpoint(tmp_path, monitor="val_error"), WeightLog()
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[ckpt, Scripted([3.0, 1.0, 2.0, 1.5]), weights])
    trainer.fit(regression, epochs=4)

    assert list(trainer.callbacks)[-1] is ckpt  # moved after the callbacks whose state it saves
    assert {p.name for p in tmp_path.iterdir()} == {BEST, LAST}  # no temporary files left behind
    best, last = read_checkpoint(tmp_path / BEST), read_checkpoint(tmp_path / LAST)
    assert best["state"]["epoch"] == 2 and last["state"]["epoch"] == 4
    assert best["state"]["callbacks"]["ModelCheckpoint"] == {"best": 1.0, "best_epoch": 1}
    for name, tensor in best["state"]["module"].items():
        assert torch.equal(tensor.cpu(), weights.by_epoch[1][name].cpu())
        assert torch.equal(last["state"]["module"][name].cpu(), weights.by_epoch[3][name].cpu())


def test_checkpoint_holds_the_whole_training_state(checkpoint_file: Path) -> None:
    payload = read_checkpoint(checkpoint_file)
    state = payload["state"]
    assert {"epoch", "global_step", "module", "optimizer", "callbacks", "rng", "shuffle_generator"} <= set(
        state
    )
    assert (state["epoch"], state["global_step"]) == (2, 8)
    assert state["optimizer"]["state"].keys() == {0, 1, 2, 3}  # int keys survive, or Adam's state is lost
    assert len(state["callbacks"]["History"]["records"]) == 2
    assert isinstance(state["shuffle_generator"], torch.Tensor)
    assert {"python", "numpy", "torch"} <= set(state["rng"])
    assert payload["stop_training"] is False


def test_every_n_epochs_thins_out_last(tmp_path: Path, regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[ModelCheckpoint(tmp_path, every_n_epochs=2), Crash(3)])
    with pytest.raises(RuntimeError, match="simulated crash"):
        trainer.fit(regression, val=val_of(regression), epochs=5)
    assert read_checkpoint(tmp_path / LAST)["state"]["epoch"] == 2  # epoch index 1; index 2 was skipped
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[ModelCheckpoint(tmp_path / "b", every_n_epochs=2)])
    trainer.fit(regression, val=val_of(regression), epochs=3)
    assert read_checkpoint(tmp_path / "b" / LAST)["state"]["epoch"] == 3  # the final epoch is always saved


def test_a_failed_write_keeps_the_previous_checkpoint(
    checkpoint_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = checkpoint_file.read_bytes()
    encoded = checkpointing.Encoded(*encode({"format": "junk"}))

    def die_halfway(enc: checkpointing.Encoded, path: Path) -> None:
        path.write_bytes(before[: len(before) // 2])
        raise KeyboardInterrupt  # as if killed mid-write

    monkeypatch.setattr(checkpointing, "_write_raw", die_halfway)
    with pytest.raises(KeyboardInterrupt):
        checkpointing.write_checkpoint(encoded, checkpoint_file)
    assert checkpoint_file.read_bytes() == before
    assert {p.name for p in checkpoint_file.parent.iterdir()} == {BEST, LAST}  # the temporary file is gone


# --- safe loading -------------------------------------------------------------------------------------


def test_torch_format_is_loaded_with_weights_only(
    tmp_path: Path, regression: Data, mlp: MakeMLP, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpointing, "safetensors_torch", None)  # force the torch.save format
    trainer = Trainer(mlp(), nn.MSELoss(), callbacks=[ModelCheckpoint(tmp_path, save_best=False)])
    trainer.fit(regression, epochs=1)
    calls: list[dict] = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    Trainer(mlp(seed=5), nn.MSELoss()).fit(regression, epochs=2, resume_from=tmp_path)
    assert calls and all(call.get("weights_only") is True for call in calls)


def test_a_pickle_bomb_is_refused(tmp_path: Path, mlp: MakeMLP) -> None:
    marker = tmp_path / "exploded"

    class Bomb:
        def __reduce__(self):
            return (exec, (f"open({str(marker)!r}, 'w').write('boom')",))

    path = tmp_path / "evil.ckpt"
    torch.save({"format": checkpointing.FORMAT, "skeleton": "{}", "tensors": {}, "x": Bomb()}, path)
    with pytest.raises(CheckpointError, match="refuses to unpickle"):
        Trainer(mlp(), nn.MSELoss()).fit((torch.zeros(4, 4), torch.zeros(4, 1)), resume_from=path)
    assert not marker.exists()


@pytest.mark.skipif(checkpointing.safetensors is None, reason="safetensors is not installed")
def test_safetensors_format_round_trips(checkpoint_file: Path) -> None:
    assert not checkpoint_file.read_bytes().startswith(b"PK")
    assert read_checkpoint(checkpoint_file)["state"]["epoch"] == 2


def test_encoding_keeps_types_and_exact_values() -> None:
    state = {
        0: {"step": torch.tensor(3.0), "m": torch.arange(6, dtype=torch.float64).reshape(2, 3)[:, 1]},
        "betas": (0.9, 0.999),
        "floats": [math.inf, -0.0, 0.1 + 0.2, None, True, 7],
        "np": np.float32(0.5),
        (1, "a"): "tuple key",
    }
    skeleton, tensors = encode(state)
    back = decode(skeleton, tensors)
    assert back.keys() == state.keys() and back["betas"] == (0.9, 0.999)
    assert torch.equal(back[0]["m"], torch.tensor([1.0, 4.0], dtype=torch.float64))
    assert back["floats"][:1] == [math.inf] and math.copysign(1, back["floats"][1]) == -1
    assert back["floats"][2:] == [0.1 + 0.2, None, True, 7] and back["np"] == 0.5


def test_rng_states_round_trip_through_tensors() -> None:
    saved = native_rng(decode(*encode(portable_rng(rng_state()))))
    expected = (random.random(), np.random.rand(), torch.rand(1))
    set_rng_state(saved)
    assert (random.random(), np.random.rand(), torch.rand(1)) == expected


# --- exact resume, in process ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["onecycle", "steplr"])
@pytest.mark.parametrize("interruption", ["stopped", "crashed"])
def test_resume_equals_an_uninterrupted_run(
    tmp_path: Path, regression: Data, kind: str, interruption: str
) -> None:
    val = val_of(regression)
    reference = make_trainer(dropout_mlp(), kind)
    reference.fit(regression, val=val, epochs=EPOCHS)

    first = make_trainer(dropout_mlp(), kind, ModelCheckpoint(tmp_path))
    if interruption == "stopped":
        first.fit(regression, val=val, epochs=3)
    else:
        first.callbacks.append(Crash(3))
        with pytest.raises(RuntimeError, match="simulated crash"):
            first.fit(regression, val=val, epochs=EPOCHS)
    assert read_checkpoint(tmp_path / LAST)["state"]["epoch"] == 3

    resumed = make_trainer(dropout_mlp(seed=999), kind, ModelCheckpoint(tmp_path))  # other init weights
    resumed.fit(regression, val=val, epochs=EPOCHS, resume_from=tmp_path)

    assert (resumed.epoch, resumed.global_step) == (EPOCHS, EPOCHS * BATCHES_PER_EPOCH)
    assert_same_weights(resumed.module, reference.module)
    pd.testing.assert_frame_equal(frame(resumed), frame(reference), check_exact=True)
    assert len(frame(reference)) == EPOCHS


def test_resume_after_early_stop_trains_no_further(tmp_path: Path, regression: Data, mlp: MakeMLP) -> None:
    """Re-running the finished command is a no-op that still ends like the original (best weights back)."""

    def trainer(seed: int) -> Trainer:
        scripted = Scripted([1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1])
        stopper = EarlyStopping(monitor="val_error", patience=2)
        return Trainer(
            mlp(seed=seed),
            nn.MSELoss(),
            callbacks=[scripted, stopper, ModelCheckpoint(tmp_path, "val_error")],
        )

    original = trainer(123)
    original.fit(regression, epochs=8)
    assert len(original.history) == 4  # stopped at epoch 3, then restored epoch 1's weights
    again = trainer(7)
    again.fit(regression, epochs=8, resume_from=tmp_path)
    assert again.epoch == 4 and again.stop_training
    assert_same_weights(again.module, original.module)
    pd.testing.assert_frame_equal(frame(again), frame(original), check_exact=True)


# --- exact resume after SIGKILL, across processes -----------------------------------------------------------

SCRIPT = """
import sys, time
import torch
from torch import nn
from torch.optim.lr_scheduler import OneCycleLR
from trainguard.nn import Callback, EarlyStopping, LRScheduler, ModelCheckpoint, Trainer

mode, ckpt_dir, out_dir = sys.argv[1:4]
torch.set_num_threads(1)
if mode == "resume":  # started early so the slow imports overlap; go once the crashed run is dead
    sys.stdin.readline()
EPOCHS, KILL_EPOCH = 8, 4

class HangMidEpoch(Callback):
    def on_batch_end(self, step, logs=None):
        if self.trainer.epoch == KILL_EPOCH and logs["batch"] == 1:
            print("MID-EPOCH", flush=True)
            time.sleep(120)

g = torch.Generator().manual_seed(0)
x = torch.randn(96, 4, generator=g)
y = x @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]]) + 0.1
torch.manual_seed(1 if mode == "resume" else 0)  # the resumed run starts from other weights
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 1))
callbacks = [
    EarlyStopping(patience=20),
    LRScheduler(lambda opt: OneCycleLR(opt, max_lr=0.05, total_steps=EPOCHS * 3), interval="step"),
    ModelCheckpoint(ckpt_dir),
]
if mode == "crash":
    callbacks.append(HangMidEpoch())
trainer = Trainer(model, nn.MSELoss(), callbacks=callbacks, seed=0)
history = trainer.fit(
    (x, y), val=(x[:24], y[:24]), epochs=EPOCHS, batch_size=32,
    resume_from=ckpt_dir if mode == "resume" else None,
)
torch.save(trainer.module.state_dict(), f"{out_dir}/weights.pt")
history.to_frame().drop(columns="time").to_csv(f"{out_dir}/history.csv")
"""


def _spawn(script: Path, mode: str, root: Path, ckpt_dir: Path) -> subprocess.Popen[str]:
    out = root / mode
    out.mkdir()
    src = str(Path(trainguard.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, str(script), mode, str(ckpt_dir), str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_for_line(proc: subprocess.Popen[str], marker: str, timeout: float) -> None:
    """Read stdout on a thread so a hung child cannot hang the test."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        while lines.get(timeout=timeout).strip() != marker:
            pass
    except queue.Empty:
        proc.kill()
        pytest.fail(f"no {marker!r} within {timeout}s; stderr: {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]


def _finish(proc: subprocess.Popen[str], timeout: float = 60) -> None:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the training subprocess did not finish in time")
    assert proc.returncode == 0, err[-3000:]


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Every spawned child is killed and reaped, whatever the test does."""
    spawned: list[subprocess.Popen[str]] = []
    yield spawned
    for proc in spawned:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_resume_after_sigkill_mid_epoch_equals_an_uninterrupted_run(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(SCRIPT))
    full = _spawn(script, "full", tmp_path, tmp_path / "ckpt_full")
    crash = _spawn(script, "crash", tmp_path, tmp_path / "ckpt")
    resume = _spawn(script, "resume", tmp_path, tmp_path / "ckpt")  # waits for "go" on stdin
    processes += [full, crash, resume]

    _wait_for_line(crash, "MID-EPOCH", timeout=60)
    os.kill(crash.pid, signal.SIGKILL)
    assert crash.wait(timeout=30) == -signal.SIGKILL
    assert read_checkpoint(tmp_path / "ckpt" / LAST)["state"]["epoch"] == 4  # epochs 0-3 done

    resume.stdin.write("go\n")  # type: ignore[union-attr]
    resume.stdin.flush()  # type: ignore[union-attr]
    _finish(full)
    _finish(resume)

    load = lambda mode: torch.load(tmp_path / mode / "weights.pt", weights_only=True)  # noqa: E731
    expected, got = load("full"), load("resume")
    assert expected.keys() == got.keys()
    assert all(torch.equal(expected[k], got[k]) for k in expected)
    history = (tmp_path / "resume" / "history.csv").read_text()
    assert history == (tmp_path / "full" / "history.csv").read_text()
    assert len(history.splitlines()) == 1 + 8


# --- errors --------------------------------------------------------------------------------------------


def _one_line(exc: TrainguardError) -> None:
    assert "\n" not in str(exc) and "Fix:" in str(exc)


def test_missing_checkpoint(tmp_path: Path, regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    with pytest.raises(CheckpointError, match="no checkpoint at .*does not exist") as info:
        trainer.fit(regression, resume_from=tmp_path / "nope.ckpt")
    _one_line(info.value)
    with pytest.raises(CheckpointError, match=f"directory has no {LAST}"):
        trainer.fit(regression, resume_from=tmp_path)


def test_checkpoint_of_another_model_names_the_parameter(
    checkpoint_file: Path, regression: Data, mlp: MakeMLP
) -> None:
    wider = mlp(hidden=32)
    before = {k: v.clone() for k, v in wider.state_dict().items()}
    trainer = Trainer(wider, nn.MSELoss())
    with pytest.raises(
        CheckpointError, match=r"different model: parameter '0.weight' has shape \(16, 4\)"
    ) as info:
        trainer.fit(regression, epochs=3, resume_from=checkpoint_file)
    _one_line(info.value)
    assert trainer.epoch == 0
    assert all(torch.equal(v.cpu(), before[k].cpu()) for k, v in wider.state_dict().items())


def test_corrupt_or_foreign_files(
    checkpoint_file: Path, tmp_path: Path, regression: Data, mlp: MakeMLP
) -> None:
    truncated = tmp_path / "truncated.ckpt"
    truncated.write_bytes(checkpoint_file.read_bytes()[:300])
    garbage = tmp_path / "garbage.ckpt"
    garbage.write_bytes(b"\x00not a checkpoint at all")
    plain = tmp_path / "weights.pt"
    torch.save(mlp().state_dict(), plain)
    trainer = Trainer(mlp(), nn.MSELoss())
    for path, message in (
        (truncated, "corrupt or truncated"),
        (garbage, "corrupt"),
        (plain, "not a trainguard"),
    ):
        with pytest.raises(CheckpointError, match=message) as info:
            trainer.fit(regression, resume_from=path)
        _one_line(info.value)


def test_epochs_is_the_total_when_resuming(checkpoint_file: Path, regression: Data, mlp: MakeMLP) -> None:
    trainer = Trainer(mlp(), nn.MSELoss())
    with pytest.raises(ConfigError, match="epochs is the run's total"):
        trainer.fit(regression, epochs=1, resume_from=checkpoint_file)
    trainer.fit(regression, val=val_of(regression), epochs=3, resume_from=checkpoint_file)
    assert trainer.epoch == 3 and len(trainer.history) == 3  # one more epoch, the first two restored


def test_state_of_a_missing_callback_is_reported(
    checkpoint_file: Path, regression: Data, mlp: MakeMLP
) -> None:
    directory = checkpoint_file.parent.parent / "with_es"
    Trainer(mlp(), nn.MSELoss(), callbacks=[EarlyStopping(), ModelCheckpoint(directory)]).fit(
        regression, val=val_of(regression), epochs=1
    )
    with pytest.warns(TrainguardWarning, match="EarlyStopping"):
        Trainer(mlp(), nn.MSELoss()).fit(regression, val=val_of(regression), epochs=2, resume_from=directory)


def test_model_checkpoint_options_are_checked(tmp_path: Path, regression: Data, mlp: MakeMLP) -> None:
    with pytest.raises(ConfigError, match="unknown mode"):
        ModelCheckpoint(tmp_path, mode="up")
    with pytest.raises(ConfigError, match="nothing to save"):
        ModelCheckpoint(tmp_path, save_best=False, save_last=False)
    with pytest.raises(ConfigError, match="every_n_epochs"):
        ModelCheckpoint(tmp_path, every_n_epochs=0)
    assert ModelCheckpoint(tmp_path, monitor="val_accuracy").mode == "max"
    with pytest.raises(ConfigError, match="pass validation data"):
        Trainer(mlp(), nn.MSELoss(), callbacks=[ModelCheckpoint(tmp_path)]).fit(regression, epochs=1)
