"""Log a finished run to MLflow: parameters, metrics, tags, artifacts and the model.

The run folder stays the source of truth; MLflow is a copy for browsing and comparing runs. So
logging happens after the folder is committed and never raises: a tracking server that is down,
refuses or times out costs the user one warning line, not the trained model. A run that started
and then failed is ended as FAILED so it does not look finished in the MLflow UI.

Where runs go: ``--tracking-uri``, else ``MLFLOW_TRACKING_URI``, else MLflow's own default, an
embedded SQLite store ``mlflow.db`` in the current folder (no server to start; ``mlflow ui`` in
that folder shows the runs). mlflow is imported only here, only when tracking: its import and
the first-time schema set-up of a SQLite store cost seconds.

The model is logged as an MLflow python model (:mod:`trainguard.track.served_model`, "models from
code": no pickle) that loads the run's skops file with trainguard's own trust list and checks each
request against the run's schema, as ``trainguard predict`` checks a file.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import os
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from trainguard.evaluate.scoring import scalar_metrics
from trainguard.track.run_folder import HISTORY, MANIFEST, MODEL

if TYPE_CHECKING:
    from trainguard.track.run import Run

#: MLflow's default when neither --tracking-uri nor MLFLOW_TRACKING_URI is set (MLflow >= 3.7).
DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
DEFAULT_EXPERIMENT = "trainguard"
#: Set ``TRAINGUARD_TRACK=0`` to switch tracking off for every run of a process tree (CI, tests).
TRACK_ENV = "TRAINGUARD_TRACK"
#: A tracking server that is down must cost seconds, not MLflow's default of 7 retries with
#: exponential backoff and a 120 s timeout (minutes). Values the user set in the environment win.
HTTP_SETTINGS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}
#: Checking the input example downloads the model's artifacts, with a progress bar on stderr.
QUIET_SETTINGS = {"MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}
# MLflow limits (mlflow.utils.validation); repeated here so this module need not import mlflow.
MAX_KEY = 250
MAX_PARAM_VALUE = 500  # MLflow 3 accepts 6000 characters, older servers 500: stay within both
MAX_TAG_VALUE = 5000
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_\-. /]")
ARTIFACTS_SKIPPED = frozenset({MODEL})  # logged as the MLflow model instead
#: The models-from-code file MLflow runs to load the model; not imported here (it registers a model).
MODEL_CODE = Path(__file__).with_name("mlflow_model_code.py")


@dataclass
class TrackingResult:
    """Where the run went, or why it did not."""

    uri: str
    experiment: str
    run_id: str | None = None
    model_uri: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def tracking_enabled(track: bool) -> bool:
    """``track`` unless the environment says ``TRAINGUARD_TRACK=0`` (or false/no/off)."""
    return track and os.environ.get(TRACK_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def resolve_tracking_uri(uri: str | None) -> str:
    return uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def default_experiment(manifest: Mapping[str, Any]) -> str:
    """Runs on the same data file share an experiment: ``churn.csv`` -> ``churn``."""
    source = str(manifest.get("data", {}).get("source", ""))
    if not source or source == "DataFrame":
        return DEFAULT_EXPERIMENT
    return Path(source).name.split(".")[0] or DEFAULT_EXPERIMENT


def sanitize_key(key: str) -> str:
    """MLflow keys allow letters, digits, ``_ - . space /``; anything else becomes ``_``."""
    return _KEY_UNSAFE.sub("_", str(key))[:MAX_KEY]


def _text(value: Any, limit: int) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    else:
        out[prefix] = value


def run_params(run: Run) -> dict[str, str]:
    """The config, the chosen model's parameters and every candidate's, as MLflow params."""
    flat: dict[str, Any] = {}
    _flatten("config", run.manifest.get("config", {}), flat)
    _flatten("model", {"name": run.model_name, **run.manifest.get("model", {}).get("params", {})}, flat)
    board = run.leaderboard
    if "params" in board.columns and "model" in board.columns:
        for name, params in zip(board["model"], board["params"], strict=True):
            try:
                parsed = json.loads(params) if isinstance(params, str) and params else {}
            except ValueError:
                parsed = {"params": params}
            _flatten(f"candidate.{name}", parsed, flat)
    return {sanitize_key(k): _text(v, MAX_PARAM_VALUE) for k, v in flat.items()}


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def run_metrics(run: Run) -> list[tuple[str, float, int]]:
    """``(key, value, step)``: every numeric leaderboard column per candidate (validation and
    train scores, cross-validation means and spreads, trials, fit time), the test metrics of
    the model and the baseline with the interval, and the per-epoch curves of networks."""
    out: list[tuple[str, float, int]] = []
    board = run.leaderboard
    if "model" in board.columns:
        for column in board.columns:
            if column in ("rank", "model", "selected") or not pd.api.types.is_numeric_dtype(board[column]) \
                    or pd.api.types.is_bool_dtype(board[column]):
                continue
            for name, value in zip(board["model"], board[column], strict=True):
                if (number := _finite(value)) is not None:
                    out.append((sanitize_key(f"{column}.{name}"), number, 0))
    for who, result in run.metrics.get("test", {}).items():
        prefix = "test" if who == "model" else f"test_{who}"
        for key, value in scalar_metrics(result.get("metrics", {})).items():
            if (number := _finite(value)) is not None:
                out.append((sanitize_key(f"{prefix}.{key}"), number, 0))
        ci = result.get("ci") or {}
        for bound in ("low", "high"):
            if (number := _finite(ci.get(bound))) is not None:
                out.append((sanitize_key(f"{prefix}.{ci.get('metric')}.ci_{bound}"), number, 0))
    history_file = run.path / HISTORY
    if history_file.is_file():
        history = pd.read_csv(history_file)
        for _, row in history.iterrows():
            epoch = int(row.get("epoch", 0))
            for column, value in row.items():
                if column in ("model", "epoch") or (number := _finite(value)) is None:
                    continue
                out.append((sanitize_key(f"epochs.{row.get('model', 'model')}.{column}"), number, epoch))
    return out


def run_tags(run: Run) -> dict[str, str]:
    manifest = run.manifest
    tags: dict[str, Any] = {
        "trainguard.run_folder": str(run.path.resolve()),
        "trainguard.target": run.target,
        "trainguard.task": run.task,
        "trainguard.metric": run.metric,
        "trainguard.model": run.model_name,
        "trainguard.data.source": manifest.get("data", {}).get("source"),
        "trainguard.data.fingerprint": manifest.get("data", {}).get("fingerprint"),
        "trainguard.seed": manifest.get("split", {}).get("seed"),
        "trainguard.split.strategy": manifest.get("split", {}).get("strategy"),
    }
    for package, version in manifest.get("versions", {}).items():
        tags[f"version.{package}"] = version
    findings = manifest.get("findings", [])
    tags["trainguard.findings"] = len(findings)
    for finding in findings:
        tags[f"finding.{finding.get('id')}"] = f"{finding.get('severity')}: {finding.get('message')}"
    return {sanitize_key(k): _text(v, MAX_TAG_VALUE) for k, v in tags.items() if v is not None}


@contextlib.contextmanager
def _mlflow_environment() -> Iterator[None]:
    """Short HTTP retries, no telemetry, MLflow's chatter kept off the user's terminal.

    MLflow writes "View run at ..." straight to stdout, which would break ``--json``; its
    loggers and warnings (alembic migrations, pip-requirement guesses) are noise here. The one
    thing the user needs, a failure, comes back as TrackingResult.error.
    """
    saved = {k: os.environ.get(k) for k in (*HTTP_SETTINGS, *QUIET_SETTINGS, "MLFLOW_DISABLE_TELEMETRY")}
    for key, value in {**HTTP_SETTINGS, **QUIET_SETTINGS}.items():
        os.environ.setdefault(key, value)
    # A library should not send usage data on its user's behalf; MLFLOW_DISABLE_TELEMETRY=false opts in.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow  # noqa: F401 - its import configures the 'mlflow' logger; quiet it afterwards

    loggers = [logging.getLogger(name) for name in ("mlflow", "alembic", "urllib3")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _cause(exc: BaseException) -> str:
    """The first line of the innermost useful message: MLflow wraps connection errors deeply."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "Max retries exceeded" in str(exc) or "Connection refused" in str(exc):
        text = "the server did not answer (connection refused or timed out)"
    return _text(text, 300)


def _requirements() -> list[str]:
    requirements = []
    for package in ("trainguard", "mlflow", "scikit-learn", "skops", "pandas", "numpy", "torch"):
        try:
            requirements.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return requirements


def _signature(run: Run, example: pd.DataFrame | None) -> Any:
    """Column names for MLflow's UI and clients, but no checks of MLflow's own.

    MLflow enforces a signature before the model sees the request, answering a missing column or
    a wrong type in its own words. So every input is optional and of ``AnyType``: the served
    model's check_new_data judges the request and says what, where and how to fix it. The
    outputs are what ``trainguard predict`` writes; ``proba`` adds the probability columns.
    """
    from mlflow.models import ModelSignature, infer_signature
    from mlflow.types.schema import AnyType, ColSpec, ParamSchema, ParamSpec
    from mlflow.types.schema import Schema as MlflowSchema

    ids = [c for c in run.manifest.get("id_columns", []) if c in run.schema.names]
    inputs = MlflowSchema([ColSpec(AnyType(), name, required=False)
                           for name in [*ids, *run.schema.feature_names]])
    params = ParamSchema([ParamSpec("proba", "boolean", False)]) if run.task != "regression" else None
    outputs = None
    if example is not None and len(example):
        outputs = infer_signature(run.predictions_frame(example, proba=params is not None)).inputs
    return ModelSignature(inputs=inputs, outputs=outputs, params=params)


def _log_model(mlflow: Any, run: Run, example: pd.DataFrame | None) -> str:
    """The run as an MLflow python model (models from code; see track.served_model)."""
    from trainguard.track.served_model import MANIFEST_ARTIFACT, MODEL_ARTIFACT

    info = mlflow.pyfunc.log_model(
        name="model",
        python_model=str(MODEL_CODE),
        artifacts={MODEL_ARTIFACT: str(run.path / MODEL), MANIFEST_ARTIFACT: str(run.path / MANIFEST)},
        signature=_signature(run, example),
        input_example=example if example is not None and len(example) else None,
        # Given, not inferred: inference re-loads the model in a subprocess (seconds).
        pip_requirements=_requirements(),
    )
    return str(info.model_uri)


def _log_batches(client: Any, run_id: str, params: dict[str, str], metrics: list[tuple[str, float, int]],
                 tags: dict[str, str]) -> None:
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.utils.time import get_current_time_millis

    now = get_current_time_millis()
    param_items = [Param(k, v) for k, v in params.items()]
    tag_items = [RunTag(k, v) for k, v in tags.items()]
    metric_items = [Metric(k, v, now, step) for k, v, step in metrics]
    for i in range(0, len(param_items), 100):  # MLflow's per-batch limits
        client.log_batch(run_id, params=param_items[i:i + 100])
    for i in range(0, len(tag_items), 100):
        client.log_batch(run_id, tags=tag_items[i:i + 100])
    for i in range(0, len(metric_items), 1000):
        client.log_batch(run_id, metrics=metric_items[i:i + 1000])


#: Seconds to wait for another process logging to the same embedded store before giving up.
STORE_LOCK_SECONDS = 300


@contextlib.contextmanager
def _store_lock(uri: str) -> Iterator[None]:
    """Hold a file lock beside an embedded SQLite store while logging to it.

    MLflow creates and migrates a new store's schema on first use; two processes doing that at
    once collide (``table _alembic_tmp_latest_metrics already exists``) and one loses its log.
    SQLite serialises writers anyway, so runs that finish together log one after the other.
    A server URI needs no lock: the server serialises its own store.
    """
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        yield
        return
    from filelock import FileLock

    database = Path(uri[len(prefix):])
    database.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(database) + ".lock", timeout=STORE_LOCK_SECONDS):
        yield


#: Tries when an embedded store answers "database is locked" (another program, e.g. ``mlflow ui``
#: migrating or writing it; trainguard's own runs take turns under the lock), and the pause between.
LOCKED_TRIES = 3
LOCKED_PAUSE_SECONDS = 2.0


def log_run(run: Run, *, tracking_uri: str | None = None, experiment: str | None = None,
            input_example: pd.DataFrame | None = None) -> TrackingResult:
    """Log a committed run folder to MLflow. Never raises: failures come back in ``error``.

    ``input_example``: a few feature rows (training rows, never test rows) for the model's
    signature and example. A store that is locked by another program is tried again.
    """
    import time

    result = _log_once(run, tracking_uri, experiment, input_example)
    for attempt in range(1, LOCKED_TRIES):
        if result.ok or "database is locked" not in str(result.error):
            break
        time.sleep(LOCKED_PAUSE_SECONDS * attempt)
        result = _log_once(run, tracking_uri, experiment, input_example)
    return result


def _log_once(run: Run, tracking_uri: str | None, experiment: str | None,
              input_example: pd.DataFrame | None) -> TrackingResult:
    uri = resolve_tracking_uri(tracking_uri)
    name = experiment or default_experiment(run.manifest)
    result = TrackingResult(uri=uri, experiment=name)
    client, run_id = None, None
    try:
        with _store_lock(uri), _mlflow_environment():
            import mlflow
            from mlflow.tracking import MlflowClient

            client = MlflowClient(tracking_uri=uri)
            found = client.get_experiment_by_name(name)
            experiment_id = found.experiment_id if found else client.create_experiment(name)
            started = client.create_run(experiment_id, run_name=run.path.name)
            run_id = result.run_id = started.info.run_id
            _log_batches(client, run_id, run_params(run), run_metrics(run), run_tags(run))
            for file in sorted(run.path.rglob("*")):
                if file.is_file() and file.name not in ARTIFACTS_SKIPPED:
                    relative = file.parent.relative_to(run.path)
                    client.log_artifact(run_id, str(file), None if str(relative) == "." else str(relative))
            # The flavor's log_model works on the active run: point the fluent API at this one,
            # then put the process-wide tracking URI back as it was.
            previous = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
            mlflow.set_tracking_uri(uri)
            try:
                with mlflow.start_run(run_id=run_id):
                    result.model_uri = _log_model(mlflow, run, input_example)
                    client.set_tag(run_id, "trainguard.model_uri", result.model_uri)
            finally:
                mlflow.set_tracking_uri(previous)
            # start_run's context ended the run as FINISHED.
    except Exception as exc:  # noqa: BLE001 - tracking must never cost the user the trained run
        result.error = (f"the run was saved to {run.path} but could not be logged to MLflow at {uri}: "
                        f"{_cause(exc)}. Log it later with 'trainguard track {run.path}"
                        f"{'' if tracking_uri is None else ' --tracking-uri ' + uri}' once the "
                        "tracking server is up and reachable, or use --no-track")
        if client is not None and run_id is not None:
            with contextlib.suppress(Exception), _mlflow_environment():
                client.set_terminated(run_id, status="FAILED")
    return result


class TrackingOptions(Protocol):
    """The options ``track_run`` reads (:class:`trainguard.config.TrainConfig` has them)."""

    track: bool
    tracking_uri: str | None
    experiment: str | None


def track_run(run: Run, config: TrackingOptions, reporter: Any, *,
              input_example: pd.DataFrame | None = None) -> TrackingResult | None:
    """What ``train`` calls after the commit: log unless switched off, tell the reporter."""
    if not tracking_enabled(config.track):
        return None
    with reporter.stage("Logging to MLflow"):
        result = log_run(run, tracking_uri=config.tracking_uri, experiment=config.experiment,
                         input_example=input_example)
    if result.ok and result.run_id is not None:
        reporter.tracked(result.uri, result.experiment, result.run_id)
    elif result.error:
        reporter.warning(result.error)
    return result
