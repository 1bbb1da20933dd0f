"""Callbacks for :class:`trainguard.nn.Trainer`: one small class per behaviour."""

from trainguard.nn.callbacks.base import Callback, CallbackList
from trainguard.nn.callbacks.checkpoint import ModelCheckpoint
from trainguard.nn.callbacks.early_stopping import EarlyStopping, infer_mode, is_improvement
from trainguard.nn.callbacks.grad_clip import GradientClipping
from trainguard.nn.callbacks.history import History
from trainguard.nn.callbacks.logger import LoggerCallback
from trainguard.nn.callbacks.lr_finder import LRFinder
from trainguard.nn.callbacks.lr_schedulers import LRScheduler
from trainguard.nn.callbacks.progress import ProgressBar
from trainguard.nn.callbacks.tensorboard import TensorBoard

__all__ = [
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "GradientClipping",
    "History",
    "LRFinder",
    "LRScheduler",
    "LoggerCallback",
    "ModelCheckpoint",
    "ProgressBar",
    "TensorBoard",
    "infer_mode",
    "is_improvement",
]
