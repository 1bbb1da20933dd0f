"""Hyperparameter search per candidate with Optuna, on training rows only.

One Optuna study per candidate family, seeded, stored in SQLite when the run gives a path (so an
interrupted search resumes). A trial fits the family with the sampled parameters on each CV fold
of the training rows (or once on train, scored on the validation rows, with ``cv=0``) and
reports the running mean after each fold, or the validation loss after each epoch for the
network, so the pruner can stop a poor trial early. The family's own defaults are the first
trial, so a search never ends below the untuned model on its own CV score.

The test rows never reach this module: :class:`SearchData` refuses frames that hold any of them.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import Metric, score
from trainguard.models.base import Candidate
from trainguard.search.budget import Budget, BudgetSpent, TrialLimit, next_trial_fits
from trainguard.search.engine import Engine, LocalEngine, Report, running_mean
from trainguard.search.folds import Folds
from trainguard.search.spaces import Space, contains, grid_of, grid_size, parse_space

SAMPLERS = ("bayes", "random", "grid")
#: Trials per candidate when neither --trials nor --budget is given: the defaults plus three
#: draws, about 75 s of search for the bundled penguins data on two shared cores (the network and
#: boosting take most of it); pass --trials or --budget to search more or less.
DEFAULT_TRIALS = 4
#: Trials per searched parameter when only --budget limits the search. Past a few dozen trials
#: per dimension TPE's gains are within CV noise, and in a shared budget a one-parameter family
#: (the linear model's C) would otherwise spend its whole share on near-identical trials: in the
#: quality benchmark it ran 34-51 trials of C while the network got none.
TRIALS_PER_PARAMETER = 15
#: Per-epoch steps of one fold for the network's pruning reports (fold k reports at k * this + epoch).
EPOCH_STEPS = 10_000


class TestRowsInSearchError(RuntimeError):
    """A bug, not a user error: test rows were handed to the search."""

    __test__ = False


def check_trials(n_trials: int | None) -> int | None:
    if n_trials is not None and n_trials < 1:
        raise ConfigError(f"--trials must be at least 1, got {n_trials}", where="--trials",
                          fix="pass the number of trials per candidate, e.g. --trials 20")
    return n_trials


def check_sampler(name: str) -> str:
    if name not in SAMPLERS:
        raise ConfigError(f"unknown search {name!r}", where="--search",
                          fix=f"choose one of: {', '.join(SAMPLERS)}")
    return name


def make_sampler(kind: str, seed: int, space: Space) -> Any:
    """A seeded Optuna sampler whose random draws for a trial depend only on the seed and the
    number of trials already finished, not on how many processes the search took.

    Optuna seeds a sampler once, so a search resumed in a new process would replay the first
    draws again; re-seeding before each trial (from the seed and the count of finished trials,
    which ignores a trial that a killed process left behind) makes a resumed search draw what an
    uninterrupted one would have.
    """
    import optuna
    from optuna.trial import TrialState

    class AskTellGrid:
        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            # GridSampler calls study.stop() once the grid is done, which Optuna allows only inside
            # study.optimize; the engines run ask-and-tell loops, and :func:`tune` already caps the
            # trials at the grid's size, so that stop has nothing left to do.
            try:
                super().after_trial(study, trial, state, values)  # type: ignore[misc]
            except RuntimeError as exc:
                if "Study.stop" not in str(exc):
                    raise

    class Reseeding:
        def before_trial(self, study: Any, trial: Any) -> None:
            super().before_trial(study, trial)  # type: ignore[misc]
            done = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)))
            base = (seed * 1_000_003 + done) % 2**32
            inner = getattr(self, "_random_sampler", None)
            for offset, owner in enumerate((self, inner)):
                state = getattr(owner, "_rng", None)
                if state is not None:
                    state.rng.seed((base + offset) % 2**32)

    if kind == "grid":
        grid_cls = type("ReseedingGridSampler", (Reseeding, AskTellGrid, optuna.samplers.GridSampler), {})
        return grid_cls(grid_of(space), seed=seed)
    if kind == "random":
        return type("ReseedingRandomSampler", (Reseeding, optuna.samplers.RandomSampler), {})(seed=seed)
    # Sequential trials: the constant liar only matters for parallel workers, and off it keeps
    # a resumed study from reasoning about trials that a killed process left 'running'.
    tpe = type("ReseedingTPESampler", (Reseeding, optuna.samplers.TPESampler), {})
    return tpe(seed=seed, n_startup_trials=5, constant_liar=False)


@dataclass
class SearchSettings:
    """How to search: the sampler, trials per candidate, the shared time budget, the engine."""

    sampler: str = "bayes"
    n_trials: int | None = DEFAULT_TRIALS
    #: The run's time budget (its clock starts when the run does); unlimited by default.
    budget: Budget = field(default_factory=lambda: Budget(None))
    seed: int = 0
    spaces: Mapping[str, Space] = field(default_factory=dict)
    #: SQLite file for the studies; None keeps them in memory (nothing to resume).
    storage: str | None = None
    engine: Engine = field(default_factory=LocalEngine)
    pruning: bool = True


@dataclass
class SearchData:
    """The only rows a search sees: training rows (CV folds over them) and validation rows."""

    X_train: pd.DataFrame
    y_train: pd.Series
    X_val: pd.DataFrame | None
    y_val: pd.Series | None
    folds: Folds | None
    #: Row labels of the sealed test set, to refuse frames that contain any (index labels are
    #: the data's row positions in the training workflow).
    test_rows: np.ndarray | None = None
    classes: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.test_rows is not None and len(self.test_rows):
            for frame in (self.X_train, self.X_val):
                if frame is not None and np.isin(np.asarray(frame.index), self.test_rows).any():
                    raise TestRowsInSearchError("test rows were passed to the hyperparameter search")
        if self.folds is None and (self.X_val is None or len(self.X_val) == 0):
            raise ConfigError("no validation rows to score trials on", where="--cv",
                              fix="pass --cv 5 to cross-validate on the training rows")


def epoch_reporter(report: Report | None, offset: int, limit: TrialLimit | None = None) -> Any:
    """A Trainer callback handing each epoch's validation loss to the pruner (as -loss), and
    stopping the fit when the trial's time is up.

    Built on first use: the callback base class lives in ``trainguard.nn``, which imports torch.
    """
    from trainguard.nn.callbacks.base import Callback

    class EpochReporter(Callback):
        def __init__(self) -> None:
            self._epoch = 0
            self.pruned: BaseException | None = None

        def __deepcopy__(self, memo: dict[int, Any]) -> EpochReporter:
            # The estimator copies its callbacks per fit; this one must stay tied to the live trial.
            return self

        def on_train_begin(self, logs: Any = None) -> None:
            self._epoch = 0

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            loss = (logs or {}).get("val_loss")
            if report is not None and loss is not None and math.isfinite(loss):
                try:
                    report(offset + self._epoch, -float(loss))
                except Exception as exc:  # noqa: BLE001 - optuna.TrialPruned, re-raised after the fit
                    self._stop(exc)
            if self.pruned is None and limit is not None and limit.spent():
                self._stop(BudgetSpent("the time budget ran out during this trial's training"))
            self._epoch += 1

        def _stop(self, reason: BaseException) -> None:
            # Callbacks stop training by flag, never by raising inside the loop.
            self.pruned = reason
            if self.trainer is not None:
                self.trainer.stop_training = True

    return EpochReporter()


def fit_quietly(candidate: Candidate, X: pd.DataFrame, y: pd.Series, X_val: pd.DataFrame | None,
                y_val: pd.Series | None) -> Any:
    with warnings.catch_warnings():
        # Convergence chatter is not actionable here: the score says how it went.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return candidate.fit(X, y, X_val, y_val)


def cross_validate(candidate: Candidate, data: SearchData, metric: Metric, report: Report | None = None,
                   *, sign: float = 1.0, keep_proba: bool = False,
                   limit: TrialLimit | None = None) -> tuple[list[float], np.ndarray | None]:
    """Fold scores of ``candidate`` (and out-of-fold probabilities of the positive class).

    ``limit`` is checked before each fold after the first and after each epoch of the network:
    :class:`BudgetSpent` ends the trial when its time is up.
    """
    folds = data.folds or [(None, None)]
    scores: list[float] = []
    oof = np.full(len(data.y_train), np.nan) if keep_proba else None
    per_epoch = candidate.reports_epochs and report is not None
    watch_epochs = candidate.reports_epochs and (report is not None or limit is not None)
    for k, (tr, va) in enumerate(folds):
        if limit is not None and k:
            limit.check(k, len(folds))
        if tr is None:
            X_a, y_a, X_b, y_b = data.X_train, data.y_train, data.X_val, data.y_val
        else:
            X_a, y_a = data.X_train.iloc[tr], data.y_train.iloc[tr]
            X_b, y_b = data.X_train.iloc[va], data.y_train.iloc[va]
        reporter = epoch_reporter(report, k * EPOCH_STEPS, limit) if watch_epochs else None
        candidate.epoch_callbacks = [reporter] if reporter is not None else None
        try:
            fitted = fit_quietly(candidate, X_a, y_a, X_b, y_b)
        finally:
            candidate.epoch_callbacks = None
        if reporter is not None and reporter.pruned is not None:
            raise reporter.pruned
        scores.append(score(metric, fitted, X_b, y_b, classes=data.classes))
        if oof is not None and va is not None:
            proba = fitted.predict_proba(X_b)
            column = list(fitted.classes_).index(data.classes[1])  # type: ignore[index]
            oof[va] = proba[:, column]
        if report is not None and not per_epoch:
            report(k, running_mean(scores, sign))
    return scores, oof


@dataclass
class FoldObjective:
    """A trial's work: all folds in turn with pruning reports (``__call__``, the local engine), or
    one fold at a time (:meth:`fold`, for engines that spread the folds over machines)."""

    candidate: Candidate
    data: SearchData
    metric: Metric
    sign: float
    pruning: bool = True
    #: The limit of the trial about to start (set by :func:`tune`); None runs without one.
    trial_limit: Callable[[], TrialLimit] | None = None

    @property
    def n_folds(self) -> int:
        return len(self.data.folds) if self.data.folds else 1

    def limit(self) -> TrialLimit | None:
        return self.trial_limit() if self.trial_limit is not None else None

    def __call__(self, params: dict[str, Any], report: Report) -> list[float]:
        scores, _ = cross_validate(self.candidate.with_params(params), self.data, self.metric,
                                   report if self.pruning else None, sign=self.sign, limit=self.limit())
        return scores

    def __getstate__(self) -> dict[str, Any]:
        # Sent to Ray workers, which run single folds without a limit (the driver keeps the clock).
        return {**self.__dict__, "trial_limit": None}

    def fold(self, params: dict[str, Any], k: int) -> float:
        data = self.data
        if data.folds:
            data = SearchData(data.X_train, data.y_train, None, None, folds=[data.folds[k]],
                              classes=data.classes)
        scores, _ = cross_validate(self.candidate.with_params(params), data, self.metric)
        return scores[0]


def default_params(candidate: Candidate, space: Space) -> dict[str, Any]:
    """The family's own defaults, for the parameters of ``space`` where they are legal draws."""
    current = candidate.current_params()
    decoded = {name: candidate.configure({name: dist.choices[0]}).get(name) if dist.kind == "categorical"
               else None for name, dist in space.items()}
    params = {}
    for name, dist in space.items():
        value = current.get(name)
        if dist.kind == "categorical" and decoded[name] is not None and not contains(dist, value):
            # Encoded choices ("64-32"): find the one that decodes to the current value.
            value = next((c for c in dist.choices
                          if candidate.configure({name: c}).get(name) == value), value)
        if contains(dist, value):
            params[name] = value
    return params


@dataclass
class Tuned:
    """What a search found for one candidate."""

    params: dict[str, Any]
    cv_mean: float
    cv_std: float
    n_trials: int
    n_pruned: int
    seconds: float
    #: The shortest complete trial (seconds), a lower bound on what any trial costs on this data.
    fastest_trial: float = math.inf


def candidate_space(candidate: Candidate, settings: SearchSettings) -> Space:
    override = settings.spaces.get(candidate.name)
    if override is not None:
        return dict(override)
    return parse_space(candidate.search_space(candidate.context.task), f"candidate {candidate.name}")


def tune(
    candidate: Candidate,
    data: SearchData,
    metric: Metric,
    settings: SearchSettings,
    *,
    deadline: float | None = None,
    protect_first: bool = True,
    final_fits: int = 1,
    on_trial: Callable[[int, int | None, float], None] | None = None,
    return_study: bool = False,
) -> Any:
    """Run (or continue) the study of one candidate and return its best trial.

    ``deadline`` (``time.monotonic()``) is the candidate's share of the budget: no trial starts
    that is not expected to end before it, leaving time for ``final_fits`` more single fits (the
    best configuration on train, and the threshold's out-of-fold fits). The first trial may run
    on to the search's own deadline, and with ``protect_first`` it is never abandoned.
    :class:`BudgetSpent` is raised when the budget ran out before any trial finished.
    """
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space = candidate_space(candidate, settings)
    sign = 1.0 if metric.greater_is_better else -1.0
    n_trials = settings.n_trials
    if not space:
        n_trials = 1
    elif settings.sampler == "grid":
        n_trials = min(n_trials or grid_size(space), grid_size(space))
    elif n_trials is None:
        n_trials = TRIALS_PER_PARAMETER * len(space)
    warmup = 5 if candidate.reports_epochs else 0
    pruner = (optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=warmup)
              if settings.pruning else optuna.pruners.NopPruner())
    study = optuna.create_study(
        storage=settings.storage, study_name=candidate.name, direction="maximize", load_if_exists=True,
        sampler=make_sampler(settings.sampler, settings.seed, space), pruner=pruner,
    )
    for stale in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        # Left 'running' by an interrupted process: it will never report, so close it.
        study._storage.set_trial_state_values(stale._trial_id, TrialState.FAIL)
    finished = (TrialState.COMPLETE, TrialState.PRUNED)
    if not study.get_trials(deepcopy=False) and settings.sampler != "grid" and space:
        study.enqueue_trial(default_params(candidate, space))
    start = time.perf_counter()
    done = len(study.get_trials(deepcopy=False, states=finished))
    remaining = None if n_trials is None else max(0, n_trials - done)
    objective = FoldObjective(candidate, data, metric, sign, settings.pruning)

    def complete_seconds() -> list[float]:
        complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        return [t.duration.total_seconds() for t in complete if t.duration is not None]

    def trial_limit() -> TrialLimit:
        if not complete_seconds():
            return TrialLimit(settings.budget.search_deadline(), protected=protect_first)
        return TrialLimit(deadline)

    def keep_going() -> bool:
        seconds = complete_seconds()
        if not seconds:
            return True
        one_fit = min(seconds) / objective.n_folds  # a trial is about one fit per fold
        return next_trial_fits(time.monotonic(), deadline, seconds, final_fits * one_fit)

    if settings.budget.limited:
        objective.trial_limit = trial_limit

    def progress(s: Any) -> None:
        if on_trial is not None:
            count = len(s.get_trials(deepcopy=False, states=finished))
            best = _best(s)
            on_trial(count, n_trials, best.user_attrs["score_mean"] if best else float("nan"))

    ran_out = False
    if not study.user_attrs.get("done") and remaining != 0:
        try:
            settings.engine.optimize(study, objective, space, n_trials=remaining, keep_going=keep_going,
                                     sign=sign, on_trial=progress)
        except BudgetSpent:
            ran_out = True  # the abandoned trial is recorded as failed; the finished ones stand
    study.set_user_attr("done", True)
    trials = study.get_trials(deepcopy=False, states=finished)
    best = _best(study)
    if best is None:
        failed = study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
        if ran_out:
            raise BudgetSpent("skipped: the time budget ran out before its first trial finished")
        raise RuntimeError(f"no trial of {candidate.name} finished ({len(failed)} failed)")
    seconds = sum((t.duration.total_seconds() for t in trials if t.duration is not None), 0.0)
    tuned = Tuned(params=dict(best.params), cv_mean=best.user_attrs["score_mean"],
                  cv_std=best.user_attrs["score_std"], n_trials=len(trials),
                  n_pruned=sum(t.state == TrialState.PRUNED for t in trials),
                  seconds=seconds or time.perf_counter() - start,
                  fastest_trial=min(complete_seconds(), default=math.inf))
    return (tuned, study) if return_study else tuned


def _best(study: Any) -> Any:
    """The best complete trial; on equal values the earliest (the defaults come first)."""
    from optuna.trial import TrialState

    complete = [t for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
                if t.value is not None and math.isfinite(t.value)]
    if not complete:
        return None
    return max(complete, key=lambda t: (t.value, -t.number))


def tune_threshold(candidate: Candidate, data: SearchData, metric: Metric) -> float | None:
    """The decision threshold that maximises ``metric`` on out-of-fold training predictions.

    Written here rather than with TunedThresholdClassifierCV because the folds must be the
    search's own (grouped or time-ordered) and the candidates' fit needs held-out rows to stop
    early on; the sweep itself is a few lines.
    """
    if data.folds is None or data.classes is None or len(data.classes) != 2:
        return None
    _, oof = cross_validate(candidate, data, metric, keep_proba=True)
    assert oof is not None
    mask = np.isfinite(oof)
    if not mask.any():
        return None
    y = np.asarray(data.y_train)[mask]
    proba = oof[mask]
    best_t, best_s = 0.5, -math.inf
    for t in np.round(np.linspace(0.05, 0.95, 91), 2):
        predicted = np.where(proba >= t, data.classes[1], data.classes[0])
        s = metric(y, predicted, classes=data.classes)
        s = s if metric.greater_is_better else -s
        # Strictly better only: a plateau keeps the threshold nearest the start (0.05 upward),
        # then the default 0.5 wins ties below via the tolerance.
        if math.isfinite(s) and s > best_s + 1e-12:
            best_t, best_s = float(t), s
    default = metric(y, np.where(proba >= 0.5, data.classes[1], data.classes[0]), classes=data.classes)
    default = default if metric.greater_is_better else -default
    return 0.5 if default >= best_s - 1e-12 else best_t
