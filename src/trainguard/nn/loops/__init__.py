"""The Trainer's loops, split the way Lightning splits its own (``lightning.pytorch.loops``).

* :class:`FitLoop`: epochs, resume, validation after each epoch, ``trainer.stop_training``;
* :class:`TrainingEpochLoop`: one epoch's batches, per-batch hooks, epoch-length accounting;
* :class:`OptimizationStep`: one batch (forward, loss, backward, the guard's verdict, then step
  or skip), returning a :class:`StepResult`;
* :class:`EvaluationLoop` (validation and ``Trainer.evaluate``) and :class:`PredictionLoop`.

The :class:`~trainguard.nn.trainer.Trainer` owns the state (module, optimizer, callbacks, guards,
device, precision, counters); the loops hold no state that must survive a resume.
"""

from trainguard.nn.loops.evaluation import EvaluationLoop
from trainguard.nn.loops.fit import FitLoop, FitState
from trainguard.nn.loops.optimization import OptimizationStep, StepResult
from trainguard.nn.loops.prediction import PredictionLoop
from trainguard.nn.loops.training_epoch import TrainingEpochLoop

__all__ = [
    "EvaluationLoop",
    "FitLoop",
    "FitState",
    "OptimizationStep",
    "PredictionLoop",
    "StepResult",
    "TrainingEpochLoop",
]
