"""``trainguard train --replay RUN``: the trials RUN finished, re-fit without a clock.

A run under ``--budget`` depends on the clock (how many trials fitted in, where a forest stopped
growing); its ``trials.json`` records each of those decisions. A replay reads that record, checks
that the data and the config are the ones RUN was trained with (naming what differs when they
are not), and runs the same stages with the record in place of the clock, so its leaderboard,
chosen model and test metrics are RUN's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from trainguard.config import TrainConfig
from trainguard.data.fingerprint import fingerprint
from trainguard.errors import ConfigError, DataError
from trainguard.selection.replay import SearchRecord
from trainguard.track.run_folder import MANIFEST, TRIALS, is_run_folder, read_json

#: Options that say where and how fast a run goes, not what it finds: a replay may change them.
#: The budget and the trial count are what the record replaces.
PLACE_OPTIONS = frozenset({"budget", "trials", "out", "runs_dir", "name", "n_jobs", "engine",
                           "address", "track", "tracking_uri", "experiment", "tensorboard", "allow"})


@dataclass(frozen=True)
class Replay:
    """What a replay needs of the run it replays."""

    run: Path
    config: dict[str, Any]
    source: str
    fingerprint: str
    record: SearchRecord

    def check_data(self, frame: Any, where: str) -> None:
        """Refuse data other than the rows the run was trained on."""
        found = fingerprint(frame)
        if found != self.fingerprint:
            raise DataError(
                f"these rows are not the data run {self.run.name} was trained on (fingerprint "
                f"{found[:12]} vs {self.fingerprint[:12]})", where=where,
                fix=f"replay with the run's data file ({self.source}), unchanged")


def read_replay(run: str | os.PathLike[str], runs_dir: str | os.PathLike[str] = "runs") -> Replay:
    """The run ``run`` (a path, or a name under ``runs_dir``) and its record of trials."""
    folder = next((p for p in (Path(run), Path(runs_dir) / run) if p.is_dir() and is_run_folder(p)), None)
    if folder is None:
        raise ConfigError("no finished run with this name or path", where=f"--replay {run}",
                          fix="pass a run folder written by 'trainguard train' "
                              "(e.g. runs/churn-20261122-101500)")
    manifest = read_json(folder / MANIFEST)
    trials = read_json(folder / TRIALS, optional=True)
    if trials is None:
        raise ConfigError("this run has no record of its trials (it was written before --replay "
                          "existed)", where=str(folder / TRIALS), fix="train it again, then replay that run")
    return Replay(folder, manifest["config"], manifest["data"]["source"], manifest["data"]["fingerprint"],
                  SearchRecord.from_dict(trials, str(folder / TRIALS)))


def replay_config(replay: Replay, given: TrainConfig | None, options: dict[str, Any]) -> TrainConfig:
    """The config of the replay: RUN's own, or ``given`` when it matches RUN's, with ``options``
    that only say where the run goes; never a budget (the record is the clock)."""
    recorded = dict(replay.config)
    if given is not None:
        _refuse_differences(replay, recorded, given.to_dict())
        return replace(given, budget=None)
    _refuse_differences(replay, recorded, {**recorded, **options})
    kept = {k: v for k, v in options.items() if k in PLACE_OPTIONS}
    return TrainConfig(**{**recorded, "out": None, "name": None, **kept, "budget": None})


def _refuse_differences(replay: Replay, recorded: dict[str, Any], given: dict[str, Any]) -> None:
    differ = [f"{key} ({given.get(key)!r} vs the run's {recorded.get(key)!r})"
              for key in sorted(set(recorded) | set(given))
              if key not in PLACE_OPTIONS and given.get(key) != recorded.get(key)]
    if differ:
        raise ConfigError(f"the options differ from run {replay.run.name}'s: {'; '.join(differ)}",
                          where=f"--replay {replay.run}",
                          fix="pass the run's own options, or only --replay RUN to take them from the run")
