"""A run logged to MLflow, served by the real ``mlflow models serve`` on 127.0.0.1.

The served model answers as ``trainguard predict`` does on the same rows, and a request that does
not fit the logged signature gets a 400 with MLflow's one-paragraph error, not a stack trace.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request

import pandas as pd
import pytest

from datagen import make_table
from track.servers import running_server
from track.test_mlflow_log import MLFLOW, free_port, run_cli, tracking_env


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(run folder, URL of the scoring server, folder) for a run logged to an embedded store."""
    from mlflow.tracking import MlflowClient

    root = tmp_path_factory.mktemp("serve")
    make_table("binary").drop(columns="signup").to_csv(root / "churn.csv", index=False)
    make_table("binary", n=40, seed=7).drop(columns=["churned", "signup"]).to_csv(
        root / "new.csv", index=False
    )
    store = f"sqlite:///{root / 'mlflow.db'}"
    env = tracking_env(MLFLOW_TRACKING_URI=store, MLFLOW_DISABLE_TELEMETRY="true")
    run_cli("train", "churn.csv", "-t", "churned", "--models", "linear", "--out", "run", cwd=root, env=env)
    client = MlflowClient(tracking_uri=store)
    experiment = client.get_experiment_by_name("churn")
    [model] = client.search_logged_models([experiment.experiment_id])
    port = free_port()
    # The scoring server runs `uvicorn` by name: the environment's scripts must be on PATH, as
    # they are in an activated virtual environment.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    command = [
        str(MLFLOW),
        "models",
        "serve",
        "-m",
        model.model_uri,
        "--env-manager",
        "local",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    url = f"http://127.0.0.1:{port}"
    with running_server(
        command, probe=f"{url}/ping", log_path=root / "serve.log", env=env, cwd=root, timeout=180
    ):
        yield root / "run", url, root


def invoke(url: str, frame: pd.DataFrame) -> tuple[int, dict]:
    payload = {"dataframe_split": json.loads(frame.to_json(orient="split", index=False))}
    request = urllib.request.Request(
        f"{url}/invocations", json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_served_model_predicts_what_trainguard_predict_writes(served):
    import trainguard

    run_dir, url, root = served
    run_cli("predict", run_dir, "new.csv", "-o", "preds.csv", cwd=root, env=tracking_env())
    expected = pd.read_csv(root / "preds.csv")["prediction"].tolist()
    features = trainguard.load_run(run_dir).prepare(root / "new.csv")  # the signature's input
    status, body = invoke(url, features)
    assert status == 200
    assert body["predictions"] == expected


@pytest.mark.parametrize("broken", ["missing column", "wrong type"])
def test_a_request_that_does_not_fit_the_schema_gets_a_clear_400(served, broken):
    import trainguard

    run_dir, url, root = served
    features = trainguard.load_run(run_dir).prepare(root / "new.csv")
    if broken == "missing column":
        features, column, says = features.drop(columns="plan"), "plan", "missing inputs ['plan']"
    else:
        features, column, says = features.assign(tenure="abc"), "tenure", "Failed to convert column tenure"
    status, body = invoke(url, features)
    assert status == 400
    assert says in body["message"] and column in body["message"]
    assert "stack_trace" not in body and "Traceback" not in body["message"]
