"""Small generated tables with a known signal, for tests across the suite."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from trainguard.data.schema import Schema


def make_table(task: str = "binary", n: int = 300, seed: int = 0) -> pd.DataFrame:
    """A churn-like table: numeric, categorical, boolean and datetime columns, missing values,
    an id column and a group column, with a target that depends on the features."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, n).astype(float)
    charges = rng.normal(70, 20, n).round(2)
    plan = rng.choice(["basic", "plus", "premium"], n)
    paperless = rng.choice(["yes", "no"], n)
    signup = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 1000, n)), unit="D")
    customer = rng.integers(0, max(n // 5, 10), n)
    signal = -0.05 * tenure + 0.03 * (charges - 70) + (plan == "basic") * 1.0 + rng.normal(0, 0.5, n)
    frame = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(n)],
        "tenure": tenure,
        "monthly_charges": charges,
        "plan": plan,
        "paperless": paperless,
        "signup": signup.strftime("%Y-%m-%d"),
        "household": customer,
    })
    if task == "binary":
        frame["churned"] = np.where(signal > np.median(signal), "yes", "no")
    elif task == "multiclass":
        frame["churned"] = pd.cut(signal, 3, labels=["low", "mid", "high"]).astype(str)
    else:
        frame["churned"] = (signal * 10 + 100).round(3)
    frame.loc[rng.choice(n, n // 10, replace=False), "monthly_charges"] = np.nan
    frame.loc[rng.choice(n, n // 20, replace=False), "plan"] = np.nan
    return frame


def churn_features(task: str = "binary", n: int = 300) -> tuple[Schema, pd.DataFrame, pd.Series]:
    """:func:`make_table`'s schema (without the id column), coerced features and ``churned`` target:
    what a candidate's ``fit`` takes."""
    from trainguard.data.schema import coerce_features, infer_schema

    frame = make_table(task, n=n)
    schema = infer_schema(frame.drop(columns="customer_id"), target="churned")
    return schema, coerce_features(frame, schema), frame["churned"]

