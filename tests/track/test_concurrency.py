"""Runs started at the same moment: distinct run folders, and every log reaches a shared store.

These start real ``trainguard`` processes in parallel: a race needs real processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from datagen import make_table

pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TRAINGUARD_TRACK", "MLFLOW_TRACKING_URI")}
    return env | {"TRAINGUARD_CV": "0", "TRAINGUARD_TRIALS": "1"} | extra


def _start(*args: object, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "trainguard", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=400)
        results.append((process.returncode, stdout, stderr))
    return results


@pytest.fixture(scope="module")
def churn(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    make_table("binary", n=160).to_csv(folder / "churn.csv", index=False)
    return folder / "churn.csv"


def test_three_runs_started_together_get_three_run_folders(churn, tmp_path):
    # Started in the same second, so all three default names are churn-<the same timestamp>.
    processes = [_start("train", churn, "-t", "churned", "--models", "linear", "-j", "1", "--json",
                        "--no-track", cwd=tmp_path, env=_env()) for _ in range(3)]
    results = _finish(processes)
    for code, _, stderr in results:
        assert code == 0, stderr
    folders = sorted(json.loads(stdout)["run"] for _, stdout, _ in results)
    assert len(set(folders)) == 3, folders
    runs = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert len(runs) == 3 and all(name.startswith("churn-") for name in runs), runs  # no state left
    for name in runs:
        assert (tmp_path / "runs" / name / "manifest.json").is_file()


def test_four_runs_logging_at_once_to_a_new_embedded_store_all_land(churn, tmp_path):
    from mlflow.tracking import MlflowClient

    store = tmp_path / "mlflow.db"
    assert not store.exists()
    env = _env(MLFLOW_TRACKING_URI=f"sqlite:///{store}")
    processes = [_start("train", churn, "-t", "churned", "--models", "linear", "-j", "1", "-q",
                        "--out", f"run{i}", cwd=tmp_path, env=env) for i in range(4)]
    results = _finish(processes)
    for code, _, stderr in results:
        assert code == 0, stderr
        assert "could not be logged" not in stderr, stderr
    client = MlflowClient(tracking_uri=f"sqlite:///{store}")
    experiment = client.get_experiment_by_name("churn")
    logged = client.search_runs([experiment.experiment_id])
    assert sorted(r.info.run_name for r in logged) == ["run0", "run1", "run2", "run3"]
    assert all(r.info.status == "FINISHED" for r in logged)


def test_track_logs_a_saved_run_later(churn, tmp_path):
    from mlflow.tracking import MlflowClient

    train = subprocess.run([sys.executable, "-m", "trainguard", "train", churn, "-t", "churned",
                            "--models", "linear", "-j", "1", "-q", "--no-track", "--out", "run"],
                           cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=400)
    assert train.returncode == 0, train.stderr
    uri = f"sqlite:///{tmp_path / 'later.db'}"
    tracked = subprocess.run([sys.executable, "-m", "trainguard", "track", "run", "--tracking-uri", uri,
                              "--experiment", "later"], cwd=tmp_path, env=_env(),
                             capture_output=True, text=True, timeout=400)
    assert tracked.returncode == 0, tracked.stderr
    run_id = tracked.stdout.strip()
    logged = MlflowClient(tracking_uri=uri).get_run(run_id)
    assert logged.data.params["config.target"] == "churned"
    assert logged.info.run_name == "run"

    missing = subprocess.run([sys.executable, "-m", "trainguard", "track", "nowhere"], cwd=tmp_path,
                             env=_env(), capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2
    assert "not a trainguard run folder" in missing.stderr and "Traceback" not in missing.stderr


CLAIM = """
import sys, time
from pathlib import Path
from trainguard.track.run_folder import claim_destination
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))  # all processes race from the same instant
print(claim_destination(Path(sys.argv[1]), numbered=True))
"""


def test_claims_racing_for_one_name_from_eight_processes_get_eight_names(tmp_path):
    import time

    base = tmp_path / "runs" / "churn-20261203-101500"
    start = time.time() + 3.0
    processes = [subprocess.Popen([sys.executable, "-c", CLAIM, str(base), str(start)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(8)]
    results = _finish(processes)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    names = sorted(Path(out.strip()).name for _, out, _ in results)
    assert names == sorted(["churn-20261203-101500"] + [f"churn-20261203-101500-{i}" for i in range(2, 9)])
    # Each claim is the run's state folder, made by exactly one process.
    assert len(list((tmp_path / "runs").glob(".churn-20261203-101500*.search"))) == 8


def test_a_store_locked_by_another_program_is_tried_again(churn, tmp_path):
    import sqlite3
    import threading
    import time

    import trainguard
    from trainguard.track.mlflow_log import log_run

    train = subprocess.run([sys.executable, "-m", "trainguard", "train", churn, "-t", "churned",
                            "--models", "linear", "-j", "1", "-q", "--no-track", "--out", "run"],
                           cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=400)
    assert train.returncode == 0, train.stderr
    run = trainguard.load_run(tmp_path / "run")
    uri = f"sqlite:///{tmp_path / 'store.db'}"
    assert log_run(run, tracking_uri=uri, experiment="first").ok  # creates the store

    # Another program holds a write lock for longer than SQLite's own 5 s busy wait.
    holder = sqlite3.connect(tmp_path / "store.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(7.0, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    try:
        result = log_run(run, tracking_uri=uri, experiment="second")
    finally:
        release.join()
        holder.close()
    assert result.ok, result.error
    assert time.monotonic() - started >= 7.0  # it waited for the lock rather than failing
