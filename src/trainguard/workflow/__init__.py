"""The end-to-end workflow (`trainguard train`) and the runs it produces."""

from trainguard.workflow.progress import Reporter
from trainguard.workflow.run import Run
from trainguard.workflow.train import TrainConfig, train

__all__ = ["Reporter", "Run", "TrainConfig", "train"]
