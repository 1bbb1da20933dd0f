"""The TensorBoard callback, read back with TensorBoard's own event reader."""

from __future__ import annotations

import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from trainguard.errors import ConfigError
from trainguard.nn import ModelCheckpoint, TensorBoard, Trainer
from trainguard.nn.callbacks.tensorboard import epoch_scalars, step_due, tensorboard_callback


def scalars(log_dir) -> dict[str, list[tuple[int, float]]]:
    events = EventAccumulator(str(log_dir), size_guidance={"scalars": 0, "histograms": 0}).Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}


def test_epoch_and_step_curves_match_the_history(tmp_path, regression, mlp):
    x, y = regression  # 100 rows in batches of 32: 4 steps per epoch
    board = TensorBoard(tmp_path / "tb", update_freq=2, histogram_freq=2)
    trainer = Trainer(
        mlp(), torch.nn.MSELoss(), optimizer=(torch.optim.SGD, {"lr": 0.01}), callbacks=[board], seed=0
    )
    history = trainer.fit((x, y), val=(x[:20], y[:20]), epochs=3, batch_size=32).to_frame()
    curves = scalars(tmp_path / "tb")
    for key in ("loss", "val_loss", "lr", "grad_norm"):
        assert [s for s, _ in curves[f"epoch/{key}"]] == [0, 1, 2]
        assert [v for _, v in curves[f"epoch/{key}"]] == pytest.approx(history[key].tolist(), rel=1e-6)
    assert [s for s, _ in curves["step/loss"]] == [1, 3, 5, 7, 9, 11]  # every second of 12 steps
    assert all(v == pytest.approx(0.01) for _, v in curves["step/lr"])
    assert all(v > 0 for _, v in curves["step/grad_norm"])
    events = EventAccumulator(str(tmp_path / "tb"), size_guidance={"histograms": 0}).Reload()
    assert {e.step for e in events.Histograms("weights/0.weight")} == {1}  # epoch 2 of 3


def test_a_resumed_fit_continues_the_same_curves(tmp_path, regression, mlp):
    x, y = regression
    first = Trainer(
        mlp(),
        torch.nn.MSELoss(),
        callbacks=[TensorBoard(tmp_path / "tb"), ModelCheckpoint(tmp_path / "ckpt", monitor="loss")],
        seed=0,
    )
    first.fit((x, y), epochs=2, batch_size=32)
    again = Trainer(
        mlp(),
        torch.nn.MSELoss(),
        callbacks=[TensorBoard(tmp_path / "tb"), ModelCheckpoint(tmp_path / "ckpt", monitor="loss")],
        seed=0,
    )
    again.fit((x, y), epochs=4, batch_size=32, resume_from=tmp_path / "ckpt")
    assert [s for s, _ in scalars(tmp_path / "tb")["epoch/loss"]] == [0, 1, 2, 3]


def test_pure_decisions_and_bad_settings():
    assert epoch_scalars({"loss": 0.5, "lr": 1e-3, "improved": True, "note": "x", "n": 3}) == {
        "epoch/loss": 0.5,
        "epoch/lr": 1e-3,
        "epoch/n": 3.0,
    }
    assert [s for s in range(10) if step_due(s, 5)] == [4, 9]
    assert not any(step_due(s, "epoch") for s in range(10))
    with pytest.raises(ConfigError, match="update_freq"):
        TensorBoard("tb", update_freq=0)
    with pytest.raises(ConfigError, match="histogram_freq"):
        TensorBoard("tb", histogram_freq=-1)
    assert tensorboard_callback(None, "mlp", "refit") == []
    [board] = tensorboard_callback("runs/tb", "mlp", "trial-3")
    assert board.log_dir.as_posix() == "runs/tb/mlp/trial-3"
