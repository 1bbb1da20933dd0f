"""How many CPU threads the models may use: the workflow's ``n_jobs``, for every library at once.

scikit-learn's histogram gradient boosting (OpenMP), NumPy's BLAS and torch each start a thread
per core by default. On a busy machine that is far slower, not faster: OpenMP threads spin while
they wait for a core another process holds, and on 2 shared cores a gradient-boosting fit that
takes 0.2 s on one thread took 19 s on two (measured, with two other busy processes). The random
forest already takes ``n_jobs``; these context managers hold the rest to it too, and
:func:`threads_for` gives small data one thread whatever ``n_jobs`` says.

Threads that wait spin as well: by default an OpenMP thread waiting at a barrier keeps its core
busy, so on a shared machine LightGBM's two threads took 47-92 s for 300 rounds on 85,000 rows
instead of 5 s on one (load 6-8 on 2 cores; with waiters sleeping, 5-8 s). ``trainguard`` sets
``OMP_WAIT_POLICY=PASSIVE`` before any OpenMP runtime loads (``trainguard.cli.app``); a program
that imports trainguard as a library chooses for itself, since the policy is read when the runtime
loads, typically with scikit-learn.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

#: Rows each OpenMP or torch thread should have before another one helps. Gradient boosting's and
#: a small network's parallel regions are per split or per layer; below this the threads spend
#: more time meeting than working. Measured on 2 cores: 240 and 5,000 rows were no faster on two
#: threads than on one (and 2-3x slower with another process busy); 50,000 rows were 17% faster.
ROWS_PER_THREAD = 20_000


def threads_for(n_jobs: int | None, n_rows: int) -> int:
    """Threads for fitting on ``n_rows`` rows within ``n_jobs`` (below 1: all cores)."""
    cores = os.cpu_count() or 1
    wanted = cores if n_jobs is None or n_jobs < 1 else n_jobs
    return max(1, min(wanted, n_rows // ROWS_PER_THREAD))


@contextmanager
def cpu_threads(n_jobs: int | None, user_api: str | None = None) -> Iterator[None]:
    """Limit OpenMP and BLAS thread pools (only ``user_api``'s, e.g. ``"openmp"``, when given) to
    ``n_jobs`` (``None`` or below 1: leave them as they are).

    threadpoolctl (a scikit-learn dependency) does it for every loaded pool and restores them
    afterwards; torch, which keeps its own count, is limited by :func:`torch_threads`.
    """
    if n_jobs is None or n_jobs < 1:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n_jobs, user_api=user_api):
        yield


@contextmanager
def torch_threads(n_jobs: int | None) -> Iterator[None]:
    """Train within the workflow's CPU budget (``n_jobs``; below 1 leaves torch's own setting);
    restore torch's setting after.

    A 64-32 network's matrix products are too small to split across threads, and spare torch
    threads spin against everything else on the machine: on 2 busy cores one thread trained the
    candidate 5-20x faster than two. Pass :func:`threads_for`'s count.
    """
    import torch

    if n_jobs is None or n_jobs < 1:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n_jobs)
    try:
        yield
    finally:
        torch.set_num_threads(before)
