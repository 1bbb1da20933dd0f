"""Candidate models: the extension point and the built-in families."""

from trainguard.models import candidates as _builtin  # noqa: F401  (registers the built-ins)
from trainguard.models import catboosting as _catboosting  # noqa: F401  (registers CatBoost; loads on use)
from trainguard.models import lgbm as _lgbm  # noqa: F401  (registers LightGBM)
from trainguard.models import mlp as _mlp  # noqa: F401  (registers the PyTorch MLP; torch loads on use)
from trainguard.models import xgboosting as _xgboosting  # noqa: F401  (registers XGBoost; loads on use)
from trainguard.models.base import (
    Candidate,
    ModelContext,
    available_candidates,
    register,
    resolve_candidates,
)

__all__ = ["Candidate", "ModelContext", "available_candidates", "register", "resolve_candidates"]
