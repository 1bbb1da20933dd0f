"""Trials on a Ray cluster (``--engine ray --address HOST:PORT``).

The Optuna study stays in this process, with the same seeded sampler, pruner and SQLite storage
as the local engine; Ray runs each trial's cross-validation folds as tasks spread over the
cluster. Trials are asked one at a time and their folds' scores are reported to the pruner in
fold order once they are back, so the pruning decisions, the recorded values and therefore the
leaderboard are exactly those of the local engine for the same seed and trial count; only the
folds of a trial run in parallel (a pruned trial's later folds are computed and discarded).

Ray Tune's own Tuner was the first choice, but its OptunaSearch keeps a private study that
neither resumes from ``search.db`` nor prunes as the local engine does, so the two engines would
pick different models for the same seed. The network candidate reports per fold here (its
per-epoch reports cannot travel back from a remote fit).

ray is imported only here, so ``import trainguard`` never pays for it.
"""

from __future__ import annotations

import time
from typing import Any

from trainguard.errors import ConfigError
from trainguard.selection.budget import BudgetSpent
from trainguard.selection.engine import KeepGoing, Objective, TrialCallback, record, running_mean


def _run_fold(objective: Any, params: dict[str, Any], k: int) -> float:
    return objective.fold(params, k)


class RayEngine:
    name = "ray"

    def __init__(self, address: str | None) -> None:
        try:
            import ray  # noqa: F401
        except ImportError as exc:
            raise ConfigError("Ray is not installed", where="--engine ray",
                              fix="pip install 'ray[tune]', or leave out --engine ray") from exc
        self.address = address

    def _connect(self) -> Any:
        import ray

        if ray.is_initialized():
            return ray
        if self.address:
            self._probe(self.address)
        try:
            ray.init(address=self.address or "auto", log_to_driver=False, logging_level="ERROR",
                     include_dashboard=False, configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ConfigError(
                f"cannot reach a Ray cluster at {self.address or 'auto'} ({str(exc).splitlines()[0]})",
                where="--address",
                fix="start one with 'ray start --head' and pass its HOST:PORT, or use --engine local",
            ) from exc
        return ray

    @staticmethod
    def _probe(address: str) -> None:
        """Fail in seconds when nothing listens at ``address``: ray.init retries for minutes."""
        import socket

        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=5):
                return
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"cannot reach a Ray cluster at {address} ({exc})", where="--address",
                fix="start one with 'ray start --head' and pass its HOST:PORT, or use --engine local",
            ) from exc

    def check(self) -> None:
        self._connect()

    def optimize(self, study: Any, objective: Objective, space: dict[str, Any], *, n_trials: int | None,
                 keep_going: KeepGoing, sign: float, on_trial: TrialCallback) -> None:
        import optuna

        from trainguard.selection.spaces import suggest

        ray = self._connect()
        remote_fold = ray.remote(num_cpus=1)(_run_fold)
        shared = ray.put(objective)
        n_folds = objective.n_folds  # type: ignore[attr-defined]
        pruning = getattr(objective, "pruning", True)
        done = 0
        while (n_trials is None or done < n_trials) and keep_going():
            limit = getattr(objective, "limit", lambda: None)()
            trial = study.ask()
            params = suggest(trial, space)
            refs = [remote_fold.remote(shared, params, k) for k in range(n_folds)]
            wait = None
            if limit is not None and not limit.protected and limit.deadline is not None:
                wait = max(0.0, limit.deadline - time.monotonic())
            try:
                scores = ray.get(refs, timeout=wait)
            except ray.exceptions.GetTimeoutError:
                for ref in refs:
                    ray.cancel(ref, force=True)
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
                raise BudgetSpent("the time budget ran out during this trial") from None
            pruned = False
            for k in range(n_folds):
                value = running_mean(scores[: k + 1], sign)
                if not pruning:
                    break
                if value == value:
                    trial.report(value, k)
                if trial.should_prune():
                    pruned = True
                    break
            if pruned:
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            else:
                study.tell(trial, record(trial, scores, sign))
            done += 1
            on_trial(study)
