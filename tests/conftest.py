"""Shared fixtures: generated data files written where a test needs them."""

from __future__ import annotations

import pytest

from datagen import make_table


@pytest.fixture
def binary_csv(tmp_path):
    path = tmp_path / "churn.csv"
    make_table("binary").to_csv(path, index=False)
    return path


@pytest.fixture
def regression_csv(tmp_path):
    path = tmp_path / "spend.csv"
    make_table("regression").to_csv(path, index=False)
    return path
