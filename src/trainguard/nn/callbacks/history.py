"""History: every epoch's logs, as a table. The Trainer always keeps one as ``trainer.history``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trainguard.nn.callbacks.base import Callback, Logs

if TYPE_CHECKING:
    import pandas as pd


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

    def __len__(self) -> int:
        return len(self.epochs)

    def state_dict(self) -> dict[str, Any]:
        return {"epochs": list(self.epochs), "records": [dict(r) for r in self.records]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.epochs = list(state.get("epochs", []))
        self.records = [dict(r) for r in state.get("records", [])]
