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
