"""The candidate-model extension point.

A candidate is a small class that knows how to build its preprocessing-plus-model pipeline for a
task, how to fit it (possibly using validation rows, e.g. for early stopping), and how to refit
the chosen configuration on train+validation with what was learned frozen (e.g. the number of
boosting rounds). New model families (the PyTorch MLP, tuned search) register a subclass with
:func:`register`; the workflow only ever talks to this interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from trainguard.data.schema import Schema
from trainguard.data.target import Task
from trainguard.errors import ConfigError


@dataclass(frozen=True)
class ModelContext:
    """What a candidate needs to know to build itself; never any data."""

    task: Task
    schema: Schema
    seed: int
    n_jobs: int = 1


class Candidate(ABC):
    """One model family in the leaderboard."""

    name: ClassVar[str]
    description: ClassVar[str]
    #: Baselines are scored and reported, but never chosen as the final model.
    is_baseline: ClassVar[bool] = False

    def __init__(self, context: ModelContext) -> None:
        self.context = context

    @abstractmethod
    def build(self) -> Pipeline:
        """An unfitted pipeline (``preprocess`` then ``model``) with this family's defaults."""

    def fit(
        self,
        X: pd.DataFrame,
        y: pd.Series,
        X_val: pd.DataFrame | None = None,
        y_val: pd.Series | None = None,
    ) -> Pipeline:
        """Fit on training rows; validation rows may steer fitting but are never fit on."""
        return self.build().fit(X, y)

    def refit(self, selected: Pipeline, X: pd.DataFrame, y: pd.Series) -> Pipeline:
        """Fit the selected configuration again on more rows (train + validation)."""
        return clone(selected).fit(X, y)

    def params(self, fitted: Pipeline) -> dict[str, Any]:
        """The model's hyperparameters worth reporting (the non-default ones)."""
        model = fitted.named_steps["model"]
        defaults = type(model)().get_params(deep=False)
        return {
            k: v for k, v in model.get_params(deep=False).items()
            if _jsonable(v) and defaults.get(k, object()) != v
        }


class EarlyStoppedCandidate(Candidate):
    """A candidate whose length of training (boosting rounds, epochs) is chosen on validation rows.

    ``fit`` runs the validation rows through the preprocessing fit on the training rows (which
    ``Pipeline.fit`` cannot do) and lets the model stop early on them; ``refit`` trains again on
    train+validation for exactly the length found, with early stopping off. Subclasses say how
    their model takes validation data and how the learned length is frozen.
    """

    @abstractmethod
    def _fit_model(self, model: Any, Xt: Any, y: pd.Series, Xv: Any | None, y_val: pd.Series | None) -> None:
        """Fit the bare model on transformed rows; ``Xv``/``y_val`` are None for the refit."""

    @abstractmethod
    def _freeze_length(self, fresh: Any, selected: Any) -> None:
        """Set ``fresh`` to train as long as ``selected`` did, without early stopping."""

    def _prepare_model(self, model: Any, preprocess: Any) -> None:
        """Settings that depend on the fitted preprocessing (e.g. which outputs are categorical)."""

    def _fit_with(
        self,
        pipeline: Pipeline,
        X: pd.DataFrame,
        y: pd.Series,
        X_val: pd.DataFrame | None,
        y_val: pd.Series | None,
    ) -> Pipeline:
        preprocess = pipeline.named_steps["preprocess"].fit(X, y)
        model = pipeline.named_steps["model"]
        self._prepare_model(model, preprocess)
        has_val = X_val is not None and y_val is not None and len(X_val) > 0
        Xv = preprocess.transform(X_val) if has_val else None
        self._fit_model(model, preprocess.transform(X), y, Xv, y_val if has_val else None)
        return Pipeline([("preprocess", preprocess), ("model", model)])

    def fit(
        self,
        X: pd.DataFrame,
        y: pd.Series,
        X_val: pd.DataFrame | None = None,
        y_val: pd.Series | None = None,
    ) -> Pipeline:
        return self._fit_with(self.build(), X, y, X_val, y_val)

    def refit(self, selected: Pipeline, X: pd.DataFrame, y: pd.Series) -> Pipeline:
        fresh = clone(selected)
        self._freeze_length(fresh.named_steps["model"], selected.named_steps["model"])
        return self._fit_with(fresh, X, y, None, None)


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


_REGISTRY: dict[str, type[Candidate]] = {}


def register(cls: type[Candidate]) -> type[Candidate]:
    """Class decorator: make a candidate available to ``trainguard train --models``."""
    _REGISTRY[cls.name] = cls
    return cls


def available_candidates() -> dict[str, type[Candidate]]:
    return dict(_REGISTRY)


def resolve_candidates(names: list[str] | None) -> list[type[Candidate]]:
    """The candidate classes to try, always with the baseline first."""
    registry = available_candidates()
    baselines = [c for c in registry.values() if c.is_baseline]
    if not names:
        return baselines + [c for c in registry.values() if not c.is_baseline]
    unknown = [n for n in names if n not in registry]
    if unknown:
        choices = ", ".join(n for n, c in registry.items() if not c.is_baseline)
        raise ConfigError(f"unknown model(s): {', '.join(unknown)}", where="--models",
                          fix=f"choose from: {choices}")
    chosen = [registry[n] for n in names if not registry[n].is_baseline]
    if not chosen:
        raise ConfigError("no model to train besides the baseline", where="--models",
                          fix="name at least one real model")
    return baselines + chosen
