"""Guarded PyTorch training: ``Trainer(model, loss).fit((X, y), val=(X_val, y_val), epochs=20)``.

The Trainer stops silent failures instead of training through them: NaN/Inf losses and gradients
(caught before they reach the weights, then explained down to the module that produced them),
epochs shorter than declared, and loss functions fed the wrong kind of output or target.
"""

from trainguard.nn.callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    GradientClipping,
    History,
    LoggerCallback,
    LRScheduler,
    ProgressBar,
)
from trainguard.nn.guards import (
    EpochLengthError,
    GuardError,
    Guards,
    LossMismatchError,
    NonFiniteError,
    TrainguardWarning,
    check_epoch_length,
    check_loss_inputs,
    diagnose_nonfinite,
)
from trainguard.nn.seed import seed_everything
from trainguard.nn.trainer import FitState, Trainer

__all__ = [
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "EpochLengthError",
    "FitState",
    "GradientClipping",
    "GuardError",
    "Guards",
    "History",
    "LRScheduler",
    "LoggerCallback",
    "LossMismatchError",
    "NonFiniteError",
    "ProgressBar",
    "Trainer",
    "TrainguardWarning",
    "check_epoch_length",
    "check_loss_inputs",
    "diagnose_nonfinite",
    "seed_everything",
]
