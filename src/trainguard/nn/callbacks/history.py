"""History: every epoch's logs, as a table. The Trainer always keeps one as ``trainer.history``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trainguard.errors import ConfigError, TrainguardError
from trainguard.nn.callbacks.base import Callback, Logs

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


class History(Callback):
    """Per-epoch logs of the latest fit; ``to_frame()`` for analysis, ``history`` for Keras habits."""

    def __init__(self) -> None:
        self.epochs: list[int] = []
        self.records: list[dict[str, Any]] = []

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.epochs, self.records = [], []

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epochs.append(epoch)
        self.records.append(dict(logs or {}))

    @property
    def history(self) -> dict[str, list[Any]]:
        """``{"loss": [...], "val_loss": [...]}``, with None where an epoch lacks a key."""
        keys = list(dict.fromkeys(k for record in self.records for k in record))
        return {k: [record.get(k) for record in self.records] for k in keys}

    def to_frame(self) -> pd.DataFrame:
        """One row per epoch, indexed by the epoch number."""
        import pandas as pd

        return pd.DataFrame(self.records, index=pd.Index(self.epochs, name="epoch"))

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """One row per epoch with an ``epoch`` column; written to a temporary name, then renamed,
        so a reader never sees half a file."""
        from trainguard.atomic import atomic_path

        with atomic_path(path) as tmp:
            self.to_frame().reset_index().to_csv(tmp, index=False)

    def plot(self, ax: Axes | Sequence[Axes] | None = None,
             metrics: Sequence[str] | None = None) -> Any:
        """Loss and each metric per epoch, train and validation on the same axes; see
        :func:`plot_history`."""
        return plot_history(self.to_frame(), ax=ax, metrics=metrics)

    def __len__(self) -> int:
        return len(self.epochs)

    def state_dict(self) -> dict[str, Any]:
        return {"epochs": list(self.epochs), "records": [dict(r) for r in self.records]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.epochs = list(state.get("epochs", []))
        self.records = [dict(r) for r in state.get("records", [])]


#: What the Trainer logs per epoch besides learning curves; plotted only when asked for by name.
NOT_CURVES = frozenset({"lr", "time", "skipped", "nonfinite_skipped", "loss_scale", "grad_norm"})


def history_quantities(columns: Sequence[str], *, curves_only: bool = True) -> list[str]:
    """``loss``, ``val_loss``, ``accuracy`` -> ``["loss", "accuracy"]``: one panel per quantity."""
    names: list[str] = []
    for column in columns:
        base = column[4:] if column.startswith("val_") else column
        if base not in names and base != "epoch" and not (curves_only and base in NOT_CURVES):
            names.append(base)
    return names


def plot_history(frame: pd.DataFrame, ax: Axes | Sequence[Axes] | None = None,
                 metrics: Sequence[str] | None = None) -> Any:
    """Plot a per-epoch table (``History.to_frame()`` or a saved ``history.csv``).

    One panel per quantity (``loss`` first), the training curve and its ``val_`` twin together so
    overfitting shows as the two lines parting. ``metrics`` picks the quantities (default: every
    numeric column). ``ax``: one Axes per quantity, or None for a new figure. Returns the Figure.
    Shared with the run report, which plots the saved history the same way.
    """
    import pandas as pd

    if "epoch" in frame.columns:
        frame = frame.set_index("epoch")
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    available = history_quantities(numeric, curves_only=False)
    if metrics is None:
        curves = history_quantities(numeric)
        names = (["loss"] if "loss" in curves else []) + [n for n in curves if n != "loss"]
    else:
        names = list(metrics)
        unknown = [n for n in names if n not in available]
        if unknown:
            raise ConfigError(f"no per-epoch values for {', '.join(map(repr, unknown))}",
                              where="History.plot(metrics=...)",
                              fix=f"choose from {', '.join(available) or 'nothing: the history is empty'}")
    if not names:
        raise ConfigError("the history holds no numeric values to plot", where="History.plot",
                          fix="plot after fit() has run at least one epoch")
    if ax is None:
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:
            raise TrainguardError("plotting the history needs matplotlib, which is not installed",
                                  where="History.plot",
                                  fix="pip install matplotlib (or read the numbers with to_frame())") from exc
        figure, created = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.2), squeeze=False)
        axes = list(created[0])
    else:
        axes = [ax] if not isinstance(ax, Sequence) else list(ax)
        if len(axes) != len(names):
            raise ConfigError(f"{len(names)} quantities to plot but {len(axes)} Axes given",
                              where="History.plot(ax=...)",
                              fix="pass one Axes per metric, or ax=None for a new figure")
        figure = axes[0].figure
    for axis, name in zip(axes, names, strict=True):
        for column, label in ((name, "train"), (f"val_{name}", "validation")):
            if column in frame.columns:
                axis.plot(frame.index, frame[column], marker="." if len(frame) < 30 else None,
                          label=label)
        axis.set_xlabel("epoch")
        axis.set_ylabel(name)
        axis.set_title(name)
        axis.legend()
    figure.tight_layout()
    return figure

