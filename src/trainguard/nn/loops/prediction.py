"""The prediction loop: model outputs for every batch, concatenated on the CPU."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from trainguard.errors import ConfigError, DataError
from trainguard.nn.data import BatchSource, call_module
from trainguard.nn.loops.evaluation import evaluating

if TYPE_CHECKING:
    from trainguard.nn.trainer import Trainer


def float_dtype(module: nn.Module) -> torch.dtype:
    """The module's floating-point dtype (its first float parameter's), else torch's default."""
    return next((p.dtype for p in module.parameters() if p.is_floating_point()), torch.get_default_dtype())


class PredictionLoop:
    """Outputs in eval mode without gradients; autocast outputs come back in the module's dtype."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer

    def run(self, source: BatchSource) -> Tensor:
        trainer = self.trainer
        outputs = []
        with evaluating(trainer.module), torch.no_grad(), trainer.autocast():
            for batch in source.epoch():
                out = call_module(trainer.module, batch.x)
                if not isinstance(out, Tensor):
                    raise ConfigError(
                        f"the model returned {type(out).__name__}, not a tensor",
                        where="Trainer.predict",
                        fix="call the module directly for structured outputs",
                    )
                outputs.append(out.detach())
        if not outputs:
            raise DataError("predict got no batches", where="Trainer.predict", fix="pass at least one sample")
        predictions = torch.cat(outputs).cpu()
        if trainer.precision != "32" and predictions.is_floating_point():  # autocast outputs: bf16/fp16
            predictions = predictions.to(float_dtype(trainer.module))
        return predictions
