"""The evaluation loop: mean loss over data in eval mode, for fit's validation and Trainer.evaluate."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import torch
from torch import nn

from trainguard.errors import DataError
from trainguard.nn.data import BatchSource, batch_rows, call_module
from trainguard.nn.loops.stats import accumulator_dtype

if TYPE_CHECKING:
    from trainguard.nn.trainer import Trainer


@contextmanager
def evaluating(module: nn.Module) -> Iterator[None]:
    """Eval mode for the block, then back to whatever mode the module was in."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)


class EvaluationLoop:
    """Sample-weighted mean loss over one pass of a source, without gradients."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer

    def run(self, source: BatchSource) -> dict[str, float]:
        trainer = self.trainer
        total = torch.zeros((), dtype=accumulator_dtype(trainer.device), device=trainer.device)
        samples = 0
        with evaluating(trainer.module), torch.no_grad(), trainer.autocast():
            for batch in source.epoch():
                loss = trainer.loss_fn(call_module(trainer.module, batch.x), batch.y)
                rows = batch_rows(batch.x)
                total.add_(loss.detach(), alpha=rows)
                samples += rows
        if samples == 0:
            raise DataError(
                f"the {source.kind} given for evaluation yielded no batches",
                where="val/evaluate data",
                fix="pass data with at least one (x, y) batch",
            )
        return {"loss": float(total) / samples}
