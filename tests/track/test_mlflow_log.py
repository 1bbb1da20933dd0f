"""Runs logged to MLflow: a real tracking server, a dead one, and the default embedded store.

The server is a real ``mlflow server`` subprocess on 127.0.0.1; what was logged is read back with
the MLflow client, and the logged model is loaded and compared with ``trainguard predict``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from datagen import make_table
from track.servers import running_server

MLFLOW = Path(sys.executable).with_name("mlflow")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tracking_env(**extra: str) -> dict[str, str]:
    """The environment of a user who tracks: the suite-wide TRAINGUARD_TRACK=0 removed."""
    env = {k: v for k, v in os.environ.items() if k not in ("TRAINGUARD_TRACK", "MLFLOW_TRACKING_URI")}
    return env | extra


def run_cli(*args, cwd, env, check=True):
    result = subprocess.run([sys.executable, "-m", "trainguard", *map(str, args)], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=240)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlflow-server")
    port = free_port()
    command = [str(MLFLOW), "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
               "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
               "--artifacts-destination", str(root / "artifacts")]
    url = f"http://127.0.0.1:{port}"
    with running_server(command, probe=f"{url}/health", log_path=root / "server.log",
                        env=tracking_env(MLFLOW_DISABLE_TELEMETRY="true")):
        yield url


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    make_table("binary").to_csv(folder / "churn.csv", index=False)
    new = make_table("binary", n=40, seed=7).drop(columns="churned")
    new.to_csv(folder / "new.csv", index=False)
    return folder


def test_run_is_logged_to_a_real_server_and_the_model_predicts(mlflow_server, data_dir, tmp_path):
    import mlflow.pyfunc
    from mlflow.tracking import MlflowClient

    import trainguard

    env = tracking_env()
    result = run_cli("train", data_dir / "churn.csv", "-t", "churned", "--models", "linear", "-j", "1",
                        "--out", "run", "--tracking-uri", mlflow_server, "--experiment", "churn-exp",
                        cwd=tmp_path, env=env)
    assert "warning" not in result.stderr
    assert "Logged to MLflow at " + mlflow_server in result.stdout
    folder = tmp_path / "run"
    manifest = json.loads((folder / "manifest.json").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    board = pd.read_csv(folder / "leaderboard.csv")

    client = MlflowClient(tracking_uri=mlflow_server)
    experiment = client.get_experiment_by_name("churn-exp")
    [logged] = client.search_runs([experiment.experiment_id])
    assert logged.info.status == "FINISHED" and logged.info.run_name == "run"
    params, values, tags = logged.data.params, logged.data.metrics, logged.data.tags
    assert params["config.target"] == "churned" and params["model.name"] == "linear"
    assert params["config.seed"] == "42"
    chosen = manifest["model"]["params"]
    assert {k: params[f"model.{k}"] for k in chosen} == {k: str(v) for k, v in chosen.items()}
    linear = board.set_index("model").loc["linear"]
    for key, value in json.loads(linear["params"]).items():
        assert params[f"candidate.linear.{key}"] == str(value)
    test = metrics["test"]
    assert values["test.roc_auc"] == pytest.approx(test["model"]["metrics"]["roc_auc"])
    assert values["test_baseline.roc_auc"] == pytest.approx(test["baseline"]["metrics"]["roc_auc"])
    assert values["test.roc_auc.ci_low"] == pytest.approx(test["model"]["ci"]["low"])
    assert values["val_roc_auc.linear"] == pytest.approx(linear["val_roc_auc"])
    assert tags["trainguard.data.fingerprint"] == manifest["data"]["fingerprint"]
    assert tags["trainguard.seed"] == "42"
    assert tags["version.scikit-learn"] == manifest["versions"]["scikit-learn"]
    assert tags["finding.missing-values"].startswith("info: ")

    artifacts = {a.path for a in client.list_artifacts(logged.info.run_id)}
    assert {"report.html", "leaderboard.csv", "manifest.json", "metrics.json",
            "test_predictions.csv"} <= artifacts
    assert "model.skops" not in artifacts  # the model is logged as an MLflow model instead
    report = client.download_artifacts(logged.info.run_id, "report.html", str(tmp_path))
    assert Path(report).read_bytes() == (folder / "report.html").read_bytes()

    # The logged model (skops inside, never pickle) predicts what `trainguard predict` predicts.
    model_uri = tags["trainguard.model_uri"]
    assert model_uri.startswith("models:/")
    mlflow.set_tracking_uri(mlflow_server)  # models:/ URIs resolve through the tracking server
    try:
        loaded = mlflow.pyfunc.load_model(model_uri)
        local = Path(mlflow.artifacts.download_artifacts(model_uri, dst_path=str(tmp_path / "mlflow_model")))
    finally:
        mlflow.set_tracking_uri(None)
    assert loaded.metadata.signature is not None
    # Models from code: the MLflow model holds the run's skops file and manifest, no pickle.
    flavor = loaded.metadata.flavors["python_function"]
    assert flavor["loader_module"] == "mlflow.pyfunc.loaders.code_model"
    files = {p.name for p in local.rglob("*") if p.is_file()}
    assert {"model.skops", "manifest.json", "mlflow_model_code.py"} <= files
    assert not [name for name in files if name.endswith((".pkl", ".pickle", ".cloudpickle"))]
    # It answers what `trainguard predict` writes, from the raw rows of the file.
    saved = trainguard.load_run(folder)
    new = pd.read_csv(data_dir / "new.csv")
    from_mlflow = loaded.predict(new)
    expected = saved.predictions_frame(data_dir / "new.csv")
    pd.testing.assert_frame_equal(from_mlflow.reset_index(drop=True), expected)


class _Refusing(BaseHTTPRequestHandler):
    """A server that answers every request with 403, as a proxy without credentials would."""

    requests: list[str] = []

    def _refuse(self) -> None:
        self.requests.append(self.path)
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error_code": "PERMISSION_DENIED", "message": "no access"}')

    do_GET = do_POST = do_PATCH = do_DELETE = _refuse

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def refusing_server():
    _Refusing.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def dead_server_run(data_dir, tmp_path_factory):
    """`trainguard train` pointed at a port nobody listens on (one that was just freed)."""
    cwd = tmp_path_factory.mktemp("dead")
    uri = f"http://127.0.0.1:{free_port()}"
    result = run_cli("train", data_dir / "churn.csv", "-t", "churned", "--models", "linear", "-j", "1",
                     "--out", "run", "--tracking-uri", uri, "-q", cwd=cwd, env=tracking_env(), check=False)
    return uri, result, cwd / "run"


def test_a_dead_server_loses_nothing_and_warns_once(dead_server_run):
    uri, result, folder = dead_server_run
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warning:") and uri in lines[0] and "--no-track" in lines[0]
    assert "did not answer" in lines[0]
    for name in ("manifest.json", "metrics.json", "model.skops", "report.html", "test_predictions.csv"):
        assert (folder / name).is_file(), name
    assert result.stdout.startswith("run\t")  # the one-line summary on stdout, untouched


def test_a_refusing_server_gives_the_cause_and_no_track_sends_nothing(dead_server_run, refusing_server):
    import trainguard
    from trainguard.track.mlflow_log import log_run, track_run
    from trainguard.workflow.progress import Reporter
    from trainguard.workflow.training import TrainConfig

    run = trainguard.load_run(dead_server_run[2])
    config = TrainConfig(target="churned", track=False, tracking_uri=refusing_server)
    assert track_run(run, config, Reporter()) is None
    assert _Refusing.requests == []  # --no-track / track=False: not a single request

    result = log_run(run, tracking_uri=refusing_server, experiment="x")
    assert not result.ok and result.run_id is None
    assert refusing_server in result.error and ("403" in result.error or "PERMISSION" in result.error)
    assert _Refusing.requests  # it did try


def test_default_is_an_embedded_sqlite_store_in_the_current_folder(data_dir, tmp_path):
    from mlflow.tracking import MlflowClient

    result = run_cli("train", data_dir / "churn.csv", "-t", "churned", "--models", "linear", "-j", "1",
                     "--out", "run", "--json", cwd=tmp_path, env=tracking_env())
    assert json.loads(result.stdout)["model"] == "linear"  # MLflow's chatter kept off stdout
    assert (tmp_path / "mlflow.db").is_file()
    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("churn")  # named after the data file
    [logged] = client.search_runs([experiment.experiment_id])
    assert logged.data.params["config.target"] == "churned"
