"""Training guards: checks that stop or flag a training run going wrong, with the evidence."""

from trainguard.guards.base import GuardError, TrainguardWarning
from trainguard.guards.epoch_length import EpochLengthError, check_epoch_length
from trainguard.nn.guards.config import Guards
from trainguard.nn.guards.loss_mismatch import LossMismatchError, check_loss_inputs
from trainguard.nn.guards.nonfinite import NonFiniteError, diagnose_nonfinite, grad_norm_trend

__all__ = [
    "EpochLengthError",
    "GuardError",
    "Guards",
    "LossMismatchError",
    "NonFiniteError",
    "TrainguardWarning",
    "check_epoch_length",
    "check_loss_inputs",
    "diagnose_nonfinite",
    "grad_norm_trend",
]
