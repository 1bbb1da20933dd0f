"""A run logged to MLflow, served by the real ``mlflow models serve`` on 127.0.0.1.

The served model takes the raw rows of a file and answers what ``trainguard predict`` writes for
them; a request that does not fit the run's schema gets a 400 carrying trainguard's own one-line
message (what, where, fix), not a stack trace.
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
    run_cli("train", "churn.csv", "-t", "churned", "--models", "linear", "--id", "customer_id",
            "--out", "run", cwd=root, env=env)
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


def invoke(url: str, frame: pd.DataFrame, **params) -> tuple[int, dict]:
    payload = {"dataframe_split": json.loads(frame.to_json(orient="split", index=False))}
    if params:
        payload["params"] = params
    request = urllib.request.Request(
        f"{url}/invocations", json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("proba", [False, True])
def test_served_model_answers_what_trainguard_predict_writes(served, proba):
    run_dir, url, root = served
    flags = ["--proba"] if proba else []
    run_cli("predict", run_dir, "new.csv", *flags, "-o", "preds.csv", cwd=root, env=tracking_env())
    expected = pd.read_csv(root / "preds.csv")
    status, body = invoke(url, pd.read_csv(root / "new.csv"), **({"proba": True} if proba else {}))
    assert status == 200
    served_frame = pd.DataFrame(body["predictions"])
    assert list(served_frame.columns) == list(expected.columns)  # the id column, prediction, proba_*
    pd.testing.assert_frame_equal(served_frame, expected, check_exact=False, rtol=1e-12)


def test_an_unseen_category_is_scored_as_trainguard_predict_scores_it(served):
    run_dir, url, root = served
    rows = pd.read_csv(root / "new.csv").head(5).assign(plan="platinum")  # never seen in training
    rows.to_csv(root / "unseen.csv", index=False)
    result = run_cli("predict", run_dir, "unseen.csv", "-o", "unseen_preds.csv", cwd=root, env=tracking_env())
    assert "unseen-categories" in result.stderr  # the CLI warns; the policy is "treat as unknown"
    status, body = invoke(url, rows)
    assert status == 200
    assert pd.DataFrame(body["predictions"]).equals(pd.read_csv(root / "unseen_preds.csv"))


@pytest.mark.parametrize("broken", ["missing column", "wrong type"])
def test_a_request_that_does_not_fit_the_schema_gets_our_message_in_a_400(served, broken):
    _, url, root = served
    rows = pd.read_csv(root / "new.csv")
    if broken == "missing column":
        rows = rows.drop(columns="plan")
        says = ("the request: 1 column(s) the model was trained on are missing: plan. "
                "Fix: add those columns (blank values are fine) or retrain without them (--drop).")
    else:
        rows = rows.assign(tenure="abc")
        says = (f"column 'tenure': {len(rows)} value(s) cannot be read as numbers (for example ['abc']), "
                "but the model was trained on numbers here. Fix: correct or blank those values, "
                "or retrain with this column's new meaning.")
    status, body = invoke(url, rows)
    assert status == 400
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    # MLflow prefixes the request it failed on; the explanation is ours, word for word.
    assert body["message"].endswith("Error: " + says)
    assert "stack_trace" not in body and "Traceback" not in body["message"]
