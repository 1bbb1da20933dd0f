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
    LRFinder,
    LRScheduler,
    ModelCheckpoint,
    ProgressBar,
    TensorBoard,
)
from trainguard.nn.checkpointing import CheckpointError
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
from trainguard.nn.loops import FitState
from trainguard.nn.lr_finder import LRFinderResult
from trainguard.nn.precision import Precision
from trainguard.nn.seed import seed_everything
from trainguard.nn.trainer import Trainer

__all__ = [
    "Callback",
    "CallbackList",
    "CheckpointError",
    "EarlyStopping",
    "EpochLengthError",
    "FitState",
    "GradientClipping",
    "GuardError",
    "Guards",
    "History",
    "LRFinder",
    "LRFinderResult",
    "LRScheduler",
    "LoggerCallback",
    "LossMismatchError",
    "ModelCheckpoint",
    "NonFiniteError",
    "Precision",
    "ProgressBar",
    "TensorBoard",
    "Trainer",
    "TrainguardWarning",
    "check_epoch_length",
    "check_loss_inputs",
    "diagnose_nonfinite",
    "seed_everything",
]

# The scikit-learn estimators import scikit-learn (seconds); load them on first use (PEP 562).
_LAZY = {
    "NeuralNetClassifier": "trainguard.nn.estimators",
    "NeuralNetRegressor": "trainguard.nn.estimators",
    "MLP": "trainguard.nn.mlp",
}
__all__ += list(_LAZY)


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
