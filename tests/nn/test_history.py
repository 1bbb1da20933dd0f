"""History.plot and History.to_csv on a real training run."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
import torch

from trainguard.errors import ConfigError
from trainguard.nn import Trainer
from trainguard.nn.callbacks.history import History

matplotlib.use("Agg")


@pytest.fixture
def history(regression, mlp) -> History:
    x, y = regression
    trainer = Trainer(mlp(), torch.nn.MSELoss(), optimizer=(torch.optim.SGD, {"lr": 0.05}), seed=0)
    return trainer.fit((x[:80], y[:80]), val=(x[80:], y[80:]), epochs=6)


def test_plot_draws_train_and_validation_loss_per_epoch(history):
    import matplotlib.pyplot as plt

    figure = history.plot()
    try:
        [ax] = figure.axes  # loss only: time, lr and grad_norm bookkeeping is not a metric here
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert set(lines) == {"train", "validation"}
        assert list(lines["train"].get_xdata()) == history.epochs
        assert list(lines["validation"].get_ydata()) == pytest.approx(history.history["val_loss"])
        assert ax.get_xlabel() == "epoch"
    finally:
        plt.close(figure)


def test_plot_one_panel_per_metric_into_given_axes(history):
    import matplotlib.pyplot as plt

    for epoch, record in zip(history.epochs, history.records, strict=True):
        record["accuracy"], record["val_accuracy"] = 0.5 + epoch / 20, 0.4 + epoch / 25
    figure, axes = plt.subplots(1, 2)
    try:
        assert history.plot(ax=list(axes), metrics=["loss", "accuracy"]) is figure
        assert [a.get_title() for a in axes] == ["loss", "accuracy"]
        assert len(axes[1].get_lines()) == 2
        with pytest.raises(ConfigError, match="no per-epoch values for 'f1'"):
            history.plot(metrics=["f1"])
        with pytest.raises(ConfigError, match="2 quantities to plot but 1 Axes"):
            history.plot(ax=axes[0], metrics=["loss", "accuracy"])
    finally:
        plt.close("all")


def test_to_csv_round_trips_one_row_per_epoch(history, tmp_path):
    path = tmp_path / "out" / "history.csv"
    history.to_csv(path)
    frame = pd.read_csv(path)
    assert frame["epoch"].tolist() == history.epochs
    assert frame["loss"].tolist() == pytest.approx([float(v) for v in history.history["loss"]])
    assert [p.name for p in path.parent.iterdir()] == ["history.csv"]  # no temporary file left


def test_empty_history_refuses_to_plot():
    with pytest.raises(ConfigError, match="no numeric values"):
        History().plot()
