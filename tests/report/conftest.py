"""Run folders to build reports from: trained once per session (per xdist worker), through the public API."""

from __future__ import annotations

import pytest

import trainguard
from datagen import make_table


@pytest.fixture(scope="session")
def binary_run(tmp_path_factory):
    """A binary run with the network candidate, so every section (curves included) has data."""
    out = tmp_path_factory.mktemp("binary") / "run"
    return trainguard.train(make_table("binary"), "churned", models=["linear", "mlp"], out=str(out),
                            trials=1, cv=0, n_jobs=1, track=False, bootstrap_resamples=200)


@pytest.fixture(scope="session")
def regression_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("regression") / "run"
    return trainguard.train(make_table("regression"), "churned", models=["linear"], out=str(out),
                            trials=1, cv=0, n_jobs=1, track=False, bootstrap_resamples=200)
