"""CPU threads for the models: one for small data, never more than --jobs."""

from __future__ import annotations

import os

from threadpoolctl import threadpool_info

from trainguard.models.threads import ROWS_PER_THREAD, cpu_threads, threads_for


def test_small_data_gets_one_thread_and_large_data_no_more_than_asked():
    cores = os.cpu_count() or 1
    assert threads_for(-1, 300) == 1
    assert threads_for(4, ROWS_PER_THREAD - 1) == 1
    assert threads_for(4, 10 * ROWS_PER_THREAD) == 4
    assert threads_for(-1, 10_000 * ROWS_PER_THREAD) == cores  # "all cores"
    assert threads_for(2, 3 * ROWS_PER_THREAD) == 2


def test_thread_limits_apply_inside_and_are_restored_after():
    import sklearn.ensemble  # noqa: F401 - loads scikit-learn's OpenMP runtime

    def openmp():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"]

    before = openmp()
    assert before, "scikit-learn's OpenMP runtime should be loaded"
    with cpu_threads(1, user_api="openmp"):
        assert set(openmp()) == {1}
    with cpu_threads(1):
        assert {p["num_threads"] for p in threadpool_info()} == {1}
    assert openmp() == before


def _command_line_env(**settings):
    """What the command line sets up before any model library loads, in a fresh process."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"} | settings
    code = ("import os, time, trainguard.cli.app as app; started = app.process_started(); "
            "print(os.environ['OMP_WAIT_POLICY'], started is not None and 0 <= app.STARTED - started < 30)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_command_line_has_waiting_openmp_threads_sleep_unless_the_user_said_otherwise():
    # Spinning waiters took the busy cores' time from the working threads (models/threads.py).
    policy, clock_reads_process_start = _command_line_env()
    assert policy == "PASSIVE"
    assert clock_reads_process_start == ("True" if os.path.exists("/proc/self/stat") else "False")
    assert _command_line_env(OMP_WAIT_POLICY="active")[0] == "active"
