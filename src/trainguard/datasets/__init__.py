"""Small real datasets shipped with trainguard, for the quick start, examples and tests."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

_DATASETS = {
    "penguins": (
        "penguins.csv",
        "Palmer penguins (Horst, Hill & Gorman, CC0): 344 penguins, species from body measurements,"
        " island and sex, with missing values.",
    ),
}


def path(name: str = "penguins") -> Path:
    """Where a bundled dataset's file lies, to pass to ``trainguard train``."""
    file, _ = _DATASETS[name]
    return Path(str(resources.files(__package__).joinpath(file)))


def load(name: str = "penguins") -> pd.DataFrame:
    return pd.read_csv(path(name))


def describe() -> dict[str, str]:
    return {name: text for name, (_, text) in _DATASETS.items()}
