"""The time budget (``--budget``): when to start another trial, when to abandon one, what to keep back.

A budget covers the whole ``trainguard train`` run from the moment it starts: loading and
checking the data, the search, the refit of the chosen model, the sealed evaluation, the report
and the save (logging to MLflow afterwards is not counted). The search gets what is left after a
reserve for the stages that follow it, and shares that between the candidates still to search.

Three decisions keep a run inside its budget. Each is a pure function of times and durations so
it can be tested on its own, the way Lightning keeps its early-stopping decision apart from the
callback:

* :func:`next_trial_fits`: a new trial starts only if the trials so far say it will finish (with
  the final fit of the family's best configuration) before the candidate's share runs out.
  Optuna's own ``timeout`` only stops *after* a trial ends, so a long trial started a second
  before the deadline would overrun it by its whole length.
* :func:`abandon_trial`: checked between CV folds and between the network's epochs; a trial that
  is past its deadline, or whose finished folds say it will be, stops there.
* :func:`search_deadline`: the reserve for the final stages is that of the family that can still
  be chosen (:func:`chosen_final_stages`): refitting it, re-predicting the test rows for its
  permutation importance and bootstrapping its test score (:func:`bootstrap_seconds`) are the
  largest of them. A searched family's score is final, so one ranked below the leader is never
  the model refit; reserving for the costliest family seen held back time nobody used.

A family's first trial (its defaults) may run past the family's share, up to the search
deadline: without one finished trial the family has no score at all. The very first family's
first trial is never abandoned, so every run ends with at least one real model; when even that
overruns, the run says so and how much budget the data needs.

A fit that grows in steps (a forest's trees, boosting rounds) does not run past its deadline: it
stops growing there and keeps what it grew, which is a model, and the trial records how much (so
``--replay`` grows exactly that). A family's first trial stops growing at the family's share.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from trainguard.errors import ConfigError

#: The part of a run's budget kept back for the stages after the search besides the refit and the
#: test-row predictions (estimated from the candidates seen): the bootstrap, the report's plots and
#: the save. They took 4-6 s on small data on 2 busy cores, most of it rendering the plots.
RESERVE_SHARE = 0.1
RESERVE_MIN_SECONDS = 6.0
#: The refit on train+validation sees about 15/70 more rows than a fit on train: allow for it.
REFIT_GROWTH = 1.3
#: The models the sealed evaluation scores, each with a bootstrap interval: the chosen one and the
#: baseline.
EVALUATED_MODELS = 2


class BudgetSpent(Exception):
    """The time budget ran out inside a trial; the trial is abandoned, not failed."""


def parse_budget(text: str | float | None) -> float | None:
    """``--budget``: ``90`` (seconds), ``60s``, ``5m``, ``1h30m``, ``1.5h``. None means no time limit.

    Written by hand: it is one regular expression, and no maintained library parses exactly the
    compact forms a command line wants without also accepting ambiguous ones ("5 mins ago").
    """
    if text is None:
        return None
    raw = str(text).strip().lower()
    match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?", raw)
    seconds = None
    if raw and match:
        hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    if seconds is None or seconds <= 0:
        raise ConfigError(f"cannot read the time budget {text!r}", where="--budget",
                          fix="pass seconds or a duration such as 60s, 5m or 1h30m")
    return seconds


def run_reserve(budget: float) -> float:
    """Seconds a ``trainguard train`` run keeps back for evaluating, reporting and saving."""
    return max(RESERVE_MIN_SECONDS, RESERVE_SHARE * budget)


def final_stages_seconds(fit_seconds: float, predict_seconds: float, n_predictions: float) -> float:
    """Expected seconds to refit a candidate on train+validation and evaluate it on the test rows
    (``n_predictions`` passes over about as many rows as the validation set, each taking
    ``predict_seconds``)."""
    return REFIT_GROWTH * fit_seconds + n_predictions * predict_seconds


def contention(wall_seconds: float, cpu_seconds: float) -> float:
    """How many times longer than its own CPU time this process has taken so far: about 1 on a
    quiet machine, about the busy processes per core on a shared one (never below 1: a fit on two
    threads uses more CPU time than wall time).

    The reserve for the stages after the search is CPU work measured on a quiet machine (the
    bootstrap, the report's plots, the save); on a machine where other processes hold the cores
    the same work takes this many times as long, and a fixed reserve overran the budget by half.
    """
    if cpu_seconds <= 0 or wall_seconds <= 0:
        return 1.0
    return max(1.0, wall_seconds / cpu_seconds)


def chosen_final_stages(scores: Sequence[float], final_stages: Sequence[float]) -> float:
    """The final stages to reserve: those of the leader, the family ranked first by ``scores``
    (greater is better, NaN for a family without a score; on a tie the one searched first, as the
    leaderboard ranks). Only it can be refit: a searched family's score does not change after its
    search, and a later family that overtakes it becomes the leader in turn. (The ensemble, which
    refits several, is checked against its own cost before it is built.) 0 before any score."""
    leader, best = 0.0, -math.inf
    for value, seconds in zip(scores, final_stages, strict=True):
        if not math.isnan(value) and value > best and math.isfinite(seconds):
            leader, best = seconds, value
    return leader


def bootstrap_seconds(seconds_per_row: float, n_test_rows: int, n_resamples: int,
                      n_models: int = EVALUATED_MODELS) -> float:
    """Expected seconds of the sealed evaluation's bootstrap intervals: ``n_resamples`` resamples of
    the ``n_test_rows`` test rows for each of ``n_models`` models, at ``seconds_per_row`` per
    resampled row (measured on this machine, see
    :func:`~trainguard.evaluate.sealed.bootstrap_seconds_per_row`). At 150,000 test rows its
    2 x 1,000 resamples took 17 s of a 120 s budget, which the estimate did not count."""
    return seconds_per_row * n_test_rows * n_resamples * n_models


def search_deadline(started: float, budget: float, final_stages: float, reserve: float = 0.0) -> float:
    """When the search must end so that the final stages and ``reserve`` more seconds still fit."""
    return started + budget - reserve - final_stages


def next_trial_fits(now: float, deadline: float | None, trial_seconds: Sequence[float],
                    final_fit_seconds: float) -> bool:
    """Whether one more trial, and then the family's final fit, are expected to end by ``deadline``.

    A trial is expected to take the median of the family's finished trials (pruned ones are
    shorter, so this errs towards stopping early rather than overrunning).
    """
    if deadline is None:
        return True
    expected = statistics.median(trial_seconds) if trial_seconds else 0.0
    return now + expected + final_fit_seconds <= deadline


def abandon_trial(now: float, deadline: float | None, trial_started: float, steps_done: int,
                  steps_total: int) -> bool:
    """Whether a trial that has finished ``steps_done`` of ``steps_total`` folds (or epochs) should
    stop: it is past ``deadline``, or its pace so far says it will be when it ends."""
    if deadline is None:
        return False
    if now >= deadline:
        return True
    if steps_done <= 0 or steps_total <= steps_done:
        return False
    pace = (now - trial_started) / steps_done
    return now + pace * (steps_total - steps_done) > deadline


@dataclass
class TrialLimit:
    """What the running trial may spend: checked between its folds and between epochs."""

    deadline: float | None = None
    #: Never abandoned: the first trial of the first family (so the run ends with a model).
    protected: bool = False
    started: float = field(default_factory=time.monotonic)
    #: When a fit that grows in steps stops growing, if sooner than ``deadline``: a family's first
    #: trial may run on to the search's deadline, but a forest need not grow into the time of the
    #: families after it when the trees it has by its own share already make a model.
    grow_deadline: float | None = None

    def check(self, steps_done: int, steps_total: int) -> None:
        """Raise :class:`BudgetSpent` when the trial should stop (between folds or epochs)."""
        if self.protected:
            return
        if abandon_trial(time.monotonic(), self.deadline, self.started, steps_done, steps_total):
            raise BudgetSpent("the time budget ran out during this trial")

    def past_deadline(self) -> bool:
        """Past the deadline, protected or not: a fit that grows in steps stops growing here and
        keeps what it has (a protected trial still ends with a model)."""
        left = self.seconds_left()
        return left is not None and left <= 0

    def seconds_left(self) -> float | None:
        """Seconds until a fit that grows in steps stops growing (negative past it); None without a
        deadline. A step expected to take longer is not started (see
        :func:`~trainguard.models.base.units_that_fit`)."""
        ends = [d for d in (self.deadline, self.grow_deadline) if d is not None]
        return min(ends) - time.monotonic() if ends else None

    def spent(self) -> bool:
        """Past the deadline (for a loop that stops by flag rather than by raising)."""
        return not self.protected and self.deadline is not None and time.monotonic() >= self.deadline


@dataclass
class Budget:
    """The clock of one run's ``--budget``; ``seconds=None`` is a run without a time limit."""

    seconds: float | None
    started: float = field(default_factory=time.monotonic)
    #: Seconds kept back for what follows the search besides the refit and the test-row
    #: predictions (see :func:`run_reserve`).
    reserve: float = 0.0
    #: The refit and evaluation of the family that can still be chosen, the leader so far
    #: (:func:`final_stages_seconds`, :func:`chosen_final_stages`): kept back too.
    final_stages: float = 0.0
    #: The sealed evaluation's bootstrap (:func:`bootstrap_seconds`), once measured: kept back too.
    bootstrap: float = 0.0
    #: The sealed evaluation's bootstrap resamples per model (``bootstrap_resamples``); 0 when no
    #: sealed evaluation follows the search (the Python search API).
    evaluation_resamples: int = 0
    #: The baseline's refit and evaluation (part of :attr:`final_stages`).
    baseline_stages: float = 0.0
    #: Each searched family's score (greater is better) and final stages, for :attr:`final_stages`.
    contenders: list[tuple[float, float]] = field(default_factory=list)
    #: The shortest finished trial of any real family (not the baseline): no family's first trial
    #: is expected to be quicker, so one is not started with less time than this left.
    cheapest_trial: float = math.inf
    #: This process's CPU time when the clock started (``time.process_time()``; 0 for a clock
    #: started with the process), to measure :func:`contention` since then.
    cpu_started: float = field(default_factory=time.process_time)

    @property
    def limited(self) -> bool:
        return self.seconds is not None

    def search_deadline(self) -> float | None:
        if self.seconds is None:
            return None
        slower = contention(self.elapsed(), time.process_time() - self.cpu_started)
        return search_deadline(self.started, self.seconds, self.final_stages + self.bootstrap,
                               self.reserve * slower)

    def search_left(self) -> float | None:
        """Seconds the search has left (0 when spent); None without a budget."""
        deadline = self.search_deadline()
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def share(self, families_left: int) -> float | None:
        """The deadline of the next family: an equal part of what the search has left, so a quick
        family leaves its unused time to the ones after it."""
        left = self.search_left()
        if left is None:
            return None
        return time.monotonic() + left / max(1, families_left)

    def saw_candidate(self, final_stages: float, trial_seconds: Sequence[float],
                      score: float = math.inf, *, baseline: bool = False) -> None:
        """A family was searched: its refit and evaluation would take ``final_stages`` seconds if it
        is chosen, its trials took ``trial_seconds``, its score is ``score`` (greater is better;
        without one it counts as the leader). The baseline is refit and evaluated beside whichever
        model is chosen, so its final stages are always kept back."""
        if baseline:
            # It fits no model either, so its trials say nothing of what a family's first costs.
            self.baseline_stages = final_stages if math.isfinite(final_stages) else 0.0
        else:
            self.contenders.append((score, final_stages))
            self.cheapest_trial = min([self.cheapest_trial, *trial_seconds])
        leader = chosen_final_stages(*zip(*self.contenders, strict=True)) if self.contenders else 0.0
        self.final_stages = self.baseline_stages + leader

    def room_for_a_family(self) -> bool:
        """Whether a family's first trial could still finish: the search has at least as long left
        as the quickest trial of any family so far (always true before the first)."""
        left = self.search_left()
        return left is None or (left > 0 and (not math.isfinite(self.cheapest_trial)
                                              or left >= self.cheapest_trial))

    def elapsed(self) -> float:
        return time.monotonic() - self.started
