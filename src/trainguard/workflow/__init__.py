"""The end-to-end workflows (``trainguard train`` and ``check``), built from the stages in
:mod:`trainguard.workflow.stages`."""

from trainguard.track.run import Run
from trainguard.workflow.checking import CheckReport, check
from trainguard.workflow.progress import Reporter
from trainguard.workflow.training import resume_train, train

__all__ = ["CheckReport", "Reporter", "Run", "check", "resume_train", "train"]
