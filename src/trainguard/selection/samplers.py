"""Seeded Optuna samplers whose draws for a trial depend only on the seed and the trials done.

Optuna seeds a sampler once, so a search resumed in a new process would replay the first draws
again; re-seeding before each trial (from the seed and the count of finished trials, which
ignores a trial that a killed process left behind) makes a resumed search draw what an
uninterrupted one would have. Imported only when a search starts: optuna takes a while to import.
"""

from __future__ import annotations

from typing import Any

import optuna
from optuna.trial import TrialState

from trainguard.selection.spaces import Space, grid_of


class _Reseeding:
    """Mixin: re-seed the sampler's random state before each trial."""

    seed: int

    def before_trial(self, study: Any, trial: Any) -> None:
        super().before_trial(study, trial)  # type: ignore[misc]
        done = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)))
        base = (self.seed * 1_000_003 + done) % 2**32
        inner = getattr(self, "_random_sampler", None)
        for offset, owner in enumerate((self, inner)):
            state = getattr(owner, "_rng", None)
            if state is not None:
                state.rng.seed((base + offset) % 2**32)


class ReseedingRandomSampler(_Reseeding, optuna.samplers.RandomSampler):
    def __init__(self, seed: int) -> None:
        super().__init__(seed=seed)
        self.seed = seed


class ReseedingTPESampler(_Reseeding, optuna.samplers.TPESampler):
    def __init__(self, seed: int) -> None:
        # Sequential trials: the constant liar only matters for parallel workers, and off it keeps
        # a resumed study from reasoning about trials that a killed process left 'running'.
        super().__init__(seed=seed, n_startup_trials=5, constant_liar=False)
        self.seed = seed


class ReseedingGridSampler(_Reseeding, optuna.samplers.GridSampler):
    def __init__(self, space: Space, seed: int) -> None:
        super().__init__(grid_of(space), seed=seed)
        self.seed = seed

    def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
        # GridSampler calls study.stop() once the grid is done, which Optuna allows only inside
        # study.optimize; the engines run ask-and-tell loops, and the tuner already caps the
        # trials at the grid's size, so that stop has nothing left to do.
        try:
            super().after_trial(study, trial, state, values)
        except RuntimeError as exc:
            if "Study.stop" not in str(exc):
                raise


def make_sampler(kind: str, seed: int, space: Space) -> optuna.samplers.BaseSampler:
    """The sampler of ``--search`` (``bayes``, ``random`` or ``grid``), seeded."""
    if kind == "grid":
        return ReseedingGridSampler(space, seed)
    if kind == "random":
        return ReseedingRandomSampler(seed)
    return ReseedingTPESampler(seed)
