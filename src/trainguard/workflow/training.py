"""The main workflow: data file in, leak-free test score and a saved run out.

The order of the steps is the point (see :mod:`trainguard.workflow.stages`). The rows are split
*before* anything is fit; every statistic lives inside a pipeline fit on training rows;
candidates are chosen without the test rows; the test rows stay sealed until the chosen model is
final and are then used exactly once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from trainguard.config import TrainConfig
from trainguard.diagnose.run import refuse, sort_findings
from trainguard.errors import ConfigError, DataError
from trainguard.track import search_state
from trainguard.track.run import Run
from trainguard.workflow import stages
from trainguard.workflow.progress import Reporter
from trainguard.workflow.replay import read_replay, replay_config


def make_config(target: str | None, config: TrainConfig | None, options: dict[str, Any]) -> TrainConfig:
    """The config of an API call: given whole, or built from ``target`` and keyword options."""
    if config is not None:
        return config
    if target is None:
        raise ConfigError("no target column given", where="target", fix="pass target='column'")
    return TrainConfig(target=target, **options)


def train(
    data: pd.DataFrame | str | os.PathLike[str] | None,
    target: str | None = None,
    *,
    config: TrainConfig | None = None,
    reporter: Reporter | None = None,
    resume: bool = False,
    started: float | None = None,
    replay: str | os.PathLike[str] | None = None,
    **options: Any,
) -> Run:
    """Train, select and evaluate models on ``data`` and save the run; see ``trainguard train``.

    ``options`` are the fields of :class:`~trainguard.config.TrainConfig` (``task``, ``metric``,
    ``split``, ``group``, ``time``, ``seed``, ``models``, ``out`` ...). ``started``
    (``time.monotonic()``) is when the ``--budget`` clock started; by default, now.

    ``replay`` (a run folder, or a run name under ``runs_dir``) re-fits exactly the trials that
    run finished, without a clock, and gives its leaderboard, model and test metrics: ``data``
    (by default the run's data file) and the config (by default the run's) must be the run's own.
    """
    recorded = None
    if replay is not None:
        recorded = read_replay(replay, options.get("runs_dir", config.runs_dir if config else "runs"))
        given = make_config(target, config, options) if target is not None or config is not None else None
        config, options = replay_config(recorded, given, options), {}
        data = recorded.source if data is None else data
    if data is None:
        raise ConfigError("no data given", where="data", fix="pass a data file or a DataFrame")
    settings = make_config(target, config, options).settings()
    reporter = reporter or Reporter()
    budget = stages.run_budget(settings, started)
    destination = stages.run_destination(data, settings)

    # Everything that can refuse the data happens before anything is printed about it; an error
    # finding not named with --allow stops the run here, before anything is fit or saved.
    with reporter.stage("Loading, checking and splitting data"):
        prepared = stages.prepare(data, settings)
        split = stages.split(prepared, settings)
        metric = stages.metric_for(prepared, settings)
        if recorded is not None:
            recorded.check_data(prepared.frame, prepared.source)
        findings = sort_findings(refuse(stages.check(prepared, split, settings), settings.allow))
    reporter.data({"source": prepared.source, "rows": prepared.n_rows_read,
                   "columns": prepared.frame.shape[1], "rows_used": len(prepared.frame)})
    reporter.roles(prepared.schema, prepared.target)
    reporter.split(split)
    for finding in findings:
        reporter.finding(finding)

    source = None if isinstance(data, pd.DataFrame) else str(Path(data).resolve())
    selected = stages.select(prepared, split, settings, metric, source=source,
                             destination=destination, budget=budget, reporter=reporter, resume=resume,
                             replay=(str(recorded.run), recorded.record) if recorded is not None else None)
    diagnosis = stages.diagnose(selected, budget, settings)
    for finding in diagnosis:
        reporter.finding(finding)

    final = stages.finalize(selected, split, settings, reporter)
    run = stages.save(prepared, split, selected, final, settings, findings + diagnosis, diagnosis,
                      reporter)
    stages.track(run, settings, reporter, input_example=selected.X_train.head(5))
    reporter.done(run)
    return run


def resume_train(run: str | os.PathLike[str], *, runs_dir: str | os.PathLike[str] = "runs",
                 reporter: Reporter | None = None, started: float | None = None) -> Run:
    """Continue an interrupted ``train`` from its saved search state (finished trials are kept)."""
    state, _ = search_state.find(str(run), runs_dir)
    if not state.get("data"):
        raise ConfigError("this run was trained from a DataFrame, which was not saved", where=str(run),
                          fix="train again; only runs from a data file can be resumed")
    if not Path(state["data"]).exists():
        raise DataError("the run's data file is gone", where=state["data"],
                        fix="restore the file at that path, then resume again")
    config = TrainConfig(**{**state["config"], "out": state["destination"]})
    return train(state["data"], config=config, reporter=reporter, resume=True, started=started)
