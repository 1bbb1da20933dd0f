"""Hyperparameter search per candidate with Optuna, on training rows only.

One Optuna study per candidate family, seeded, stored in SQLite when the run gives a path (so an
interrupted search resumes). A trial fits the family with the sampled parameters on each CV fold
of the training rows (or once on train, scored on the validation rows, with ``cv=0``) and
reports the running mean after each fold, or the validation loss after each epoch for the
network, so the pruner can stop a poor trial early. The family's own defaults are the first
trial, so a search never ends below the untuned model on its own CV score; its portfolio of
configurations known to do well on many datasets comes next, then the sampler's own draws.

The test rows never reach this module: :class:`SearchData` refuses frames that hold any of them.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import Metric
from trainguard.evaluate.scoring import score
from trainguard.models.base import Candidate, RowKeys
from trainguard.models.predictions import predictions
from trainguard.models.target_transform import TARGET_TRANSFORM
from trainguard.selection.budget import Budget, BudgetSpent, TrialLimit, next_trial_fits
from trainguard.selection.engine import GROWN, Engine, LocalEngine, Report, running_mean
from trainguard.selection.folds import Folds
from trainguard.selection.spaces import Space, contains, grid_size, parse_space, with_choices

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


def trial_params(trial: Any) -> dict[str, Any]:
    """A finished trial's whole configuration: its sampled parameters and any length it was cut to."""
    return {**trial.params, **trial.user_attrs.get(GROWN, {})}


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
    #: How the run split its rows (``--time``, ``--group``), for fits' inner hold-outs to follow.
    row_keys: RowKeys | None = None

    def __post_init__(self) -> None:
        if self.test_rows is not None and len(self.test_rows):
            for frame in (self.X_train, self.X_val):
                if frame is not None and np.isin(np.asarray(frame.index), self.test_rows).any():
                    raise TestRowsInSearchError("test rows were passed to the hyperparameter search")
        if self.folds is None and (self.X_val is None or len(self.X_val) == 0):
            raise ConfigError("no validation rows to score trials on", where="--cv",
                              fix="pass --cv 5 to cross-validate on the training rows")


def fit_quietly(candidate: Candidate, X: pd.DataFrame, y: pd.Series, X_val: pd.DataFrame | None,
                y_val: pd.Series | None, epoch_callbacks: Sequence[Any] = (), *,
                row_keys: RowKeys | None = None, limit: TrialLimit | None = None) -> Any:
    with warnings.catch_warnings():
        # Convergence chatter is not actionable here: the score says how it went.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return candidate.fit(X, y, X_val, y_val, epoch_callbacks=epoch_callbacks, row_keys=row_keys,
                             limit=limit)


def cross_validate(candidate: Candidate, data: SearchData, metric: Metric, report: Report | None = None,
                   *, sign: float = 1.0, keep_proba: bool = False, limit: TrialLimit | None = None,
                   grown: dict[str, int] | None = None,
                   fits: list[Any] | None = None) -> tuple[list[float], np.ndarray | None]:
    """Fold scores of ``candidate`` and, with ``keep_proba``, its out-of-fold predictions of the
    training rows (:func:`~trainguard.evaluate.scoring.predictions`: probabilities in the order
    of ``data.classes``, or values; NaN for rows no fold held out, and None with ``cv=0``).

    ``limit`` is checked before each fold after the first and after each epoch of the network:
    :class:`BudgetSpent` ends the trial when its time is up. A family that grows in steps stops
    growing at it instead; ``grown`` then receives the shortest length a fold grew
    (:meth:`~trainguard.models.base.Candidate.grown_length`), and every fold that grew longer is
    fitted again at that length without the clock, so each fold's score is of that length and the
    trial can be re-run exactly (``--replay``). ``fits`` receives each fold's fitted pipeline.
    """
    folds = data.folds or [(None, None)]
    scores: list[float] = []
    width = () if data.classes is None else (len(data.classes),)
    oof = np.full((len(data.y_train), *width), np.nan) if keep_proba and data.folds else None
    per_epoch = candidate.reports_epochs and report is not None
    watch_epochs = candidate.reports_epochs and (report is not None or limit is not None)
    lengths: list[dict[str, int]] = []  # what each fold grew to, when a clock cut it
    for k, (tr, va) in enumerate(folds):
        if limit is not None and k:
            limit.check(k, len(folds))
        X_a, y_a, X_b, y_b = _fold_rows(data, tr, va)
        reporter = None
        if watch_epochs:
            from trainguard.selection.epoch_reporter import EpochReporter

            reporter = EpochReporter(report, k * EPOCH_STEPS, limit)
        fitted = fit_quietly(candidate, X_a, y_a, X_b, y_b, [reporter] if reporter is not None else (),
                             row_keys=data.row_keys, limit=limit)
        if fits is not None:
            fits.append(fitted)
        lengths.append(candidate.grown_length(fitted))
        if grown is not None:
            for name, length in lengths[-1].items():
                grown[name] = min(length, grown.get(name, length))
        if reporter is not None and reporter.verdict is not None:
            _end_trial(reporter.verdict)
        scores.append(score(metric, fitted, X_b, y_b, classes=data.classes))
        if oof is not None and va is not None:
            oof[va] = predictions(fitted, X_b, data.classes)
        if report is not None and not per_epoch:
            report(k, running_mean(scores, sign))
    if grown:
        # Folds cut at different lengths (or not cut) would make a score no single length gives.
        shorter = candidate.with_params({**candidate.hyperparams, **grown})
        for k, (tr, va) in enumerate(folds):
            if lengths[k] == grown:
                continue
            X_a, y_a, X_b, y_b = _fold_rows(data, tr, va)
            fitted = fit_quietly(shorter, X_a, y_a, X_b, y_b, (), row_keys=data.row_keys)
            if fits is not None:
                fits[k - len(folds)] = fitted
            scores[k] = score(metric, fitted, X_b, y_b, classes=data.classes)
            if oof is not None and va is not None:
                oof[va] = predictions(fitted, X_b, data.classes)
    return scores, oof


def _fold_rows(data: SearchData, tr: Any, va: Any) -> tuple[Any, Any, Any, Any]:
    """The rows a fold fits on and scores on: the validation part with ``cv=0`` (no folds)."""
    if tr is None:
        return data.X_train, data.y_train, data.X_val, data.y_val
    return data.X_train.iloc[tr], data.y_train.iloc[tr], data.X_train.iloc[va], data.y_train.iloc[va]


def _end_trial(verdict: Any) -> None:
    """Turn a reporter's verdict into the outcome the engine expects from the objective."""
    import optuna

    from trainguard.selection.epoch_reporter import Verdict

    if verdict == Verdict.PRUNED:
        raise optuna.TrialPruned()
    raise BudgetSpent("the time budget ran out during this trial's training")


@dataclass
class KeptTrial:
    """What a trial left behind for after the search: its out-of-fold predictions (with CV) or
    its fitted model (with ``cv=0``, where the trial's one fit is the family's final fit)."""

    value: float
    params: dict[str, Any]
    oof: np.ndarray | None
    fitted: Any
    seconds: float


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
    #: What the best trial run here so far left (for the ensemble, and with ``cv=0`` the model
    #: itself: the family's best configuration need not be fit again).
    best_kept: KeptTrial | None = field(default=None, repr=False)

    @property
    def n_folds(self) -> int:
        return len(self.data.folds) if self.data.folds else 1

    def limit(self) -> TrialLimit | None:
        return self.trial_limit() if self.trial_limit is not None else None

    #: What the engine records with the trial just run besides its scores (``grown``: the
    #: lengths a deadline cut its fits to, which are part of its configuration from then on).
    trial_attrs: dict[str, Any] = field(default_factory=dict, repr=False)

    def __call__(self, params: dict[str, Any], report: Report) -> list[float]:
        grown: dict[str, int] = {}
        self.trial_attrs = {GROWN: grown}  # filled fold by fold: a pruned trial records it too
        # A network's trial fit carries the search's epoch callbacks, so it keeps no training
        # history: the final fit of a network is its own.
        fits: list[Any] | None = [] if self.data.folds is None and not self.candidate.reports_epochs else None
        started = time.perf_counter()
        scores, oof = cross_validate(self.candidate.with_params(params), self.data, self.metric,
                                     report if self.pruning else None, sign=self.sign,
                                     keep_proba=True, limit=self.limit(), grown=grown, fits=fits)
        value = self.sign * float(np.mean(scores))
        kept = oof is not None or fits
        if kept and math.isfinite(value) and (self.best_kept is None or value > self.best_kept.value):
            self.best_kept = KeptTrial(value, {**params, **grown}, oof, fits[0] if fits else None,
                                       time.perf_counter() - started)
        return scores

    def __getstate__(self) -> dict[str, Any]:
        # Sent to Ray workers, which run single folds without a limit (the driver keeps the clock)
        # and keep no predictions.
        return {**self.__dict__, "trial_limit": None, "best_kept": None}

    def fold(self, params: dict[str, Any], k: int) -> float:
        data = self.data
        if data.folds:
            data = SearchData(data.X_train, data.y_train, None, None, folds=[data.folds[k]],
                              classes=data.classes, row_keys=data.row_keys)
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


def first_trials(defaults: dict[str, Any], portfolio: Sequence[Mapping[str, Any]],
                 space: Space) -> list[dict[str, Any]]:
    """The trials a fresh study starts with: the family's defaults, then its portfolio (see
    ``Candidate.portfolio``) in order, each cut to the parameters of ``space`` whose values it
    contains (a user's ``--space`` may be narrower), the defaults filling the rest; each distinct
    configuration is tried once."""
    trials = [dict(defaults)]
    for entry in portfolio:
        params = {**defaults, **{k: v for k, v in entry.items() if k in space and contains(space[k], v)}}
        if params not in trials:
            trials.append(params)
    return trials


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
    #: The Optuna study the trials are recorded in.
    study: Any = field(default=None, repr=False, compare=False)
    #: Out-of-fold predictions of ``params`` on the training rows, when this process ran that
    #: trial (None with ``cv=0``, after a resume, or on Ray).
    oof: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: With ``cv=0``: ``params`` fitted on the training rows by its trial, and how long it took.
    fitted: Any = field(default=None, repr=False, compare=False)
    fit_seconds: float = math.nan


def candidate_space(candidate: Candidate, settings: SearchSettings) -> Space:
    override = settings.spaces.get(candidate.name)
    if override is not None:
        space = dict(override)
    else:
        space = parse_space(candidate.search_space(candidate.context.task), f"candidate {candidate.name}")
    return with_choices(space, TARGET_TRANSFORM, candidate.target_transforms())


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
) -> Tuned:
    """Run (or continue) the study of one candidate and return what its best trial found.

    ``deadline`` (``time.monotonic()``) is the candidate's share of the budget: no trial starts
    that is not expected to end before it, leaving time for ``final_fits`` more single fits (the
    best configuration on train, and the threshold's out-of-fold fits). The first trial may run
    on to the search's own deadline, and with ``protect_first`` it is never abandoned.
    :class:`BudgetSpent` is raised when the budget ran out before any trial finished. The study
    itself is ``Tuned.study`` (a ``trials_dataframe()`` for the search API).
    """
    return CandidateStudy(candidate, data, metric, settings, deadline=deadline,
                          protect_first=protect_first, final_fits=final_fits).run(on_trial)


def trial_count(settings: SearchSettings, space: Space) -> int | None:
    """How many trials to run: one without a space, the grid's size at most, else as set (or
    TRIALS_PER_PARAMETER per searched parameter when only a budget limits the search)."""
    n_trials = settings.n_trials
    if not space:
        return 1
    if settings.sampler == "grid":
        return min(n_trials or grid_size(space), grid_size(space))
    if n_trials is None:
        return TRIALS_PER_PARAMETER * len(space)
    return n_trials


class CandidateStudy:
    """One candidate's Optuna study, and the budget rules that decide whether a trial starts."""

    FINISHED = ("COMPLETE", "PRUNED")

    def __init__(self, candidate: Candidate, data: SearchData, metric: Metric, settings: SearchSettings,
                 *, deadline: float | None, protect_first: bool, final_fits: int) -> None:
        import optuna

        from trainguard.selection.samplers import make_sampler

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.candidate, self.settings = candidate, settings
        self.deadline, self.protect_first, self.final_fits = deadline, protect_first, final_fits
        self.space = candidate_space(candidate, settings)
        self.sign = 1.0 if metric.greater_is_better else -1.0
        self.n_trials = trial_count(settings, self.space)
        warmup = 5 if candidate.reports_epochs else 0
        pruner = (optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=warmup)
                  if settings.pruning else optuna.pruners.NopPruner())
        self.study = optuna.create_study(
            storage=settings.storage, study_name=candidate.name, direction="maximize", load_if_exists=True,
            sampler=make_sampler(settings.sampler, settings.seed, self.space), pruner=pruner,
        )
        self.objective = FoldObjective(candidate, data, metric, self.sign, settings.pruning)
        if settings.budget.limited:
            self.objective.trial_limit = self.trial_limit

    # -------------------------------------------------------------------------- reading the study
    def trials(self, *states: str) -> list[Any]:
        from optuna.trial import TrialState

        return self.study.get_trials(deepcopy=False, states=tuple(TrialState[s] for s in states))

    def complete_seconds(self) -> list[float]:
        return [t.duration.total_seconds() for t in self.trials("COMPLETE") if t.duration is not None]

    # ------------------------------------------------------------------------ the budget's rules
    def trial_limit(self) -> TrialLimit:
        """The first trial may run to the search's deadline (and is protected); later ones to the
        candidate's own."""
        if not self.complete_seconds():
            return TrialLimit(self.settings.budget.search_deadline(), protected=self.protect_first,
                              grow_deadline=self.deadline)
        return TrialLimit(self.deadline)

    def keep_going(self) -> bool:
        """Whether another trial is expected to end inside the candidate's share."""
        seconds = self.complete_seconds()
        if not seconds:
            return True
        one_fit = min(seconds) / self.objective.n_folds  # a trial is about one fit per fold
        return next_trial_fits(time.monotonic(), self.deadline, seconds, self.final_fits * one_fit)

    # -------------------------------------------------------------------------------- running it
    def _close_stale_trials(self) -> None:
        """Trials left 'running' by an interrupted process will never report: close them."""
        from optuna.trial import TrialState

        for stale in self.trials("RUNNING"):
            self.study.tell(stale.number, state=TrialState.FAIL, skip_if_finished=True)

    def run(self, on_trial: Callable[[int, int | None, float], None] | None = None) -> Tuned:
        self._close_stale_trials()
        replays = getattr(self.settings.engine, "replays", False)  # the record holds the portfolio
        if (not self.study.get_trials(deepcopy=False) and self.settings.sampler != "grid" and self.space
                and not replays):
            portfolio = self.candidate.portfolio(self.candidate.context.task)
            for params in first_trials(default_params(self.candidate, self.space), portfolio, self.space):
                self.study.enqueue_trial(params)
        start = time.perf_counter()
        done = len(self.trials(*self.FINISHED))
        remaining = None if self.n_trials is None else max(0, self.n_trials - done)

        def progress(study: Any) -> None:
            if on_trial is not None:
                best = _best(study)
                on_trial(len(self.trials(*self.FINISHED)), self.n_trials,
                         best.user_attrs["score_mean"] if best else float("nan"))

        ran_out = False
        if not self.study.user_attrs.get("done") and remaining != 0:
            try:
                self.settings.engine.optimize(self.study, self.objective, self.space, n_trials=remaining,
                                              keep_going=self.keep_going, sign=self.sign, on_trial=progress)
            except BudgetSpent:
                ran_out = True  # the abandoned trial is recorded as failed; the finished ones stand
        self.study.set_user_attr("done", True)
        return self._result(ran_out, time.perf_counter() - start)

    def _result(self, ran_out: bool, wall_seconds: float) -> Tuned:
        best = _best(self.study)
        if best is None:
            if ran_out:
                raise BudgetSpent("skipped: the time budget ran out before its first trial finished")
            failed = self.trials("FAIL")
            raise RuntimeError(f"no trial of {self.candidate.name} finished ({len(failed)} failed)")
        finished = self.trials(*self.FINISHED)
        seconds = sum((t.duration.total_seconds() for t in finished if t.duration is not None), 0.0)
        params = trial_params(best)
        kept = self.objective.best_kept
        if kept is not None and kept.params != params:
            kept = None  # the best trial ran in an earlier process (a resumed run) or elsewhere
        return Tuned(params=params, cv_mean=best.user_attrs["score_mean"],
                     cv_std=best.user_attrs["score_std"], n_trials=len(finished),
                     n_pruned=sum(t.state.name == "PRUNED" for t in finished),
                     seconds=seconds or wall_seconds,
                     fastest_trial=min(self.complete_seconds(), default=math.inf), study=self.study,
                     oof=kept.oof if kept else None, fitted=kept.fitted if kept else None,
                     fit_seconds=kept.seconds if kept else math.nan)


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
    oof = oof[:, 1]  # the positive class (data.classes[1])
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
