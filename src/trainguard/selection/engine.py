"""Where trials run: in this process (the default) or on a Ray cluster.

An engine gets an Optuna study (its sampler, pruner and storage already set), the objective and
the space, and runs up to ``n_trials`` trials while ``keep_going()`` says another one fits in
the time budget, recording every finished trial in the study. Everything after that (the
leaderboard, resume, the best parameters) reads the study, so it is the same whichever engine
ran the trials.

The objective is ``objective(params, report) -> list of fold scores`` (an objective may also set
``trial_attrs``, a dict recorded with the trial); ``report(step, value)``
hands an intermediate (oriented, higher-is-better) value to the pruner and raises
``optuna.TrialPruned`` when the trial should stop. The objective raises
:class:`~trainguard.selection.budget.BudgetSpent` when its trial ran out of time; the engine marks
that trial failed and lets the exception end the search of this candidate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

Report = Callable[[int, float], None]
Objective = Callable[[dict[str, Any], Report], list[float]]
#: Called after each finished trial with the study.
TrialCallback = Callable[[Any], None]
#: Asked before each trial: whether another one is expected to fit in the time left.
KeepGoing = Callable[[], bool]

#: The trial attribute holding the lengths (trees, rounds) a deadline cut the trial's fits to.
GROWN = "grown"

#: ``--engine`` choices; the Ray engine is :class:`trainguard.selection.ray_engine.RayEngine`.
ENGINES = ("local", "ray")


class Engine(Protocol):
    name: str

    def optimize(self, study: Any, objective: Objective, space: dict[str, Any], *, n_trials: int | None,
                 keep_going: KeepGoing, sign: float, on_trial: TrialCallback) -> None: ...


def running_mean(scores: list[float], sign: float) -> float:
    """The oriented mean of the folds so far: what a trial reports to the pruner after each fold."""
    finite = [s for s in scores if s == s and abs(s) != float("inf")]
    return sign * sum(finite) / len(finite) if finite else float("nan")


def record_attrs(trial: Any, objective: Any) -> None:
    """Store what the objective says about the trial it just ran (its ``trial_attrs``, if any)."""
    for name, value in getattr(objective, "trial_attrs", {}).items():
        trial.set_user_attr(name, value)


def record(trial: Any, scores: list[float], sign: float) -> float:
    """Store a trial's fold scores; its value is the oriented mean, the number the sampler maximises."""
    import numpy as np

    values = np.asarray(scores, dtype=float)
    mean = float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")
    std = float(np.nanstd(values)) if np.isfinite(values).sum() > 1 else 0.0
    trial.set_user_attr("fold_scores", [float(v) for v in values])
    trial.set_user_attr("score_mean", mean)
    trial.set_user_attr("score_std", std)
    return sign * mean if mean == mean else float("-inf")


class LocalEngine:
    """Trials one after another in this process: deterministic for a fixed seed and trial count."""

    name = "local"

    def optimize(self, study: Any, objective: Objective, space: dict[str, Any], *, n_trials: int | None,
                 keep_going: KeepGoing, sign: float, on_trial: TrialCallback) -> None:
        """Optuna's ask-and-tell loop rather than ``study.optimize``: a trial that runs out of time
        is closed quietly and ends the loop, instead of being logged as a crash with its traceback.
        """
        done = 0
        while (n_trials is None or done < n_trials) and keep_going():
            self.run_trial(study, objective, space, sign)
            done += 1
            on_trial(study)

    @staticmethod
    def run_trial(study: Any, objective: Objective, space: dict[str, Any], sign: float, *,
                  grown: dict[str, Any] | None = None) -> None:
        """Ask the study for a trial, run the objective on it and tell the outcome. ``grown``: the
        lengths (trees, rounds) the trial is to run at, as a replayed trial was cut to."""
        import optuna
        from optuna.trial import TrialState

        from trainguard.selection.spaces import suggest

        trial = study.ask()
        params = suggest(trial, space)

        def report(step: int, value: float) -> None:
            if value == value:  # NaN would poison the pruner's medians
                trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned()

        def record_all() -> None:
            record_attrs(trial, objective)
            if grown:
                trial.set_user_attr(GROWN, dict(grown))

        try:
            value = record(trial, objective({**params, **(grown or {})}, report), sign)
            record_all()
        except optuna.TrialPruned:
            record_all()
            study.tell(trial, state=TrialState.PRUNED)
        except BaseException:  # BudgetSpent, a failed fit, Ctrl-C: close the trial, then re-raise
            study.tell(trial, state=TrialState.FAIL)
            raise
        else:
            study.tell(trial, value)
