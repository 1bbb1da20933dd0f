"""--engine ray against a real two-node Ray cluster on 127.0.0.1, compared with the local engine."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from datagen import make_table

RAY = Path(sys.executable).with_name("ray")
ENV = {k: v for k, v in os.environ.items() if k not in ("TRAINGUARD_CV", "TRAINGUARD_TRIALS")}
ENV["RAY_USAGE_STATS_ENABLED"] = "0"
OBJECT_STORE = str(80 * 1024 * 1024)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ray_cluster():
    if not RAY.exists():
        pytest.skip("ray is not installed in this environment")
    port = _free_port()
    # Not under pytest's tmp_path: Ray puts its sockets below this folder, and a Unix socket path
    # longer than 107 bytes is refused (pytest-xdist's worker folders make it that long).
    temp = Path(tempfile.mkdtemp(prefix="tg-ray-", dir="/tmp"))
    address = f"127.0.0.1:{port}"
    head = [str(RAY), "start", "--head", "--node-ip-address", "127.0.0.1", "--port", str(port),
            "--num-cpus", "1", "--include-dashboard", "false", "--object-store-memory", OBJECT_STORE,
            "--temp-dir", str(temp), "--disable-usage-stats"]
    node = [str(RAY), "start", "--address", address, "--node-ip-address", "127.0.0.1", "--num-cpus", "1",
            "--object-store-memory", OBJECT_STORE, "--disable-usage-stats"]
    try:
        for command in (head, node):
            started = subprocess.run(command, capture_output=True, text=True, timeout=180, env=ENV)
            assert started.returncode == 0, f"{' '.join(command[:3])} failed:\n{started.stderr[-2000:]}"
        yield address
    finally:
        subprocess.run([str(RAY), "stop", "--force"], capture_output=True, timeout=120, env=ENV)
        shutil.rmtree(temp, ignore_errors=True)


def _train(tmp_path, out, *extra):
    args = [sys.executable, "-m", "trainguard", "train", "churn.csv", "-t", "churned", "--models",
            "linear", "--search", "random", "--trials", "4", "--cv", "3", "--seed", "7",
            "--out", out, "-q", *extra]
    result = subprocess.run(args, cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(tmp_path / out / "leaderboard.csv")


def test_ray_engine_gives_the_local_engines_leaderboard(tmp_path, ray_cluster):
    make_table("binary", n=240).to_csv(tmp_path / "churn.csv", index=False)
    local = _train(tmp_path, "local")
    on_ray = _train(tmp_path, "ray", "--engine", "ray", "--address", ray_cluster)
    same = ["model", "cv_roc_auc_mean", "cv_roc_auc_std", "val_roc_auc", "train_roc_auc", "n_trials",
            "selected", "params"]
    pd.testing.assert_frame_equal(local[same], on_ray[same])
    assert set(on_ray.n_trials) == {1, 4}


def test_an_unreachable_cluster_is_a_one_line_error(tmp_path):
    make_table("binary", n=120).to_csv(tmp_path / "churn.csv", index=False)
    port = _free_port()
    result = subprocess.run([sys.executable, "-m", "trainguard", "train", "churn.csv", "-t", "churned",
                             "--engine", "ray", "--address", f"127.0.0.1:{port}"],
                            cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "cannot reach a Ray cluster" in result.stderr and "Fix:" in result.stderr
