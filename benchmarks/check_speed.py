"""How long the whole check stage takes at 1M rows × 25 columns (target: under 15 s).

Times :func:`trainguard.diagnose.run.run_data_checks` (before-split checks, leakage and
signal dominance on training rows, after-split checks) on a generated table: 18 numbers, 5
categories, a row counter and a repeating customer key, with a real but noisy signal. The
baseline, measured in the same run and interleaved with it, is the same stage with the
signal-dominance checks switched off and without the label checks
(:func:`~trainguard.diagnose.split_checks.check_split_labels`, timed here until
``run_data_checks`` calls it), so the ratio is what they add. Medians of ``--rounds``.

    PYTHONPATH=src python benchmarks/check_speed.py [--rows 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

import trainguard.diagnose.leakage as leakage
from trainguard.data.schema import infer_schema
from trainguard.data.target import prepare_target
from trainguard.diagnose.run import run_data_checks
from trainguard.diagnose.split_checks import check_split_labels
from trainguard.split.splitter import SplitFractions, split_rows


def table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n).astype("float64") for i in range(18)})
    for i in range(5):
        frame[f"c{i}"] = pd.Categorical(rng.choice([f"v{k}" for k in range(20)], n))
    frame["row"] = rng.permutation(n)
    frame["customer"] = rng.integers(0, n // 4, n)
    signal = frame["x0"] + 0.5 * frame["x1"] - 0.3 * frame["x2"] + (frame["c0"] == "v1")
    frame["y"] = np.where(signal + rng.normal(size=n) > 0, "yes", "no")
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    frame = table(args.rows)
    target = prepare_target(frame, "y")
    schema = infer_schema(frame, target="y")
    split = split_rows(len(frame), fractions=SplitFractions(0.7, 0.15, 0.15), seed=0)
    real = leakage.check_dominance
    times: dict[str, list[float]] = {"with dominance and label checks": [], "without (baseline)": []}
    ids: set[str] = set()
    for _ in range(args.rounds):
        for name in times:
            new = name != "without (baseline)"
            leakage.check_dominance = real if new else (lambda *a, **k: [])
            start = time.perf_counter()
            findings = run_data_checks(frame, target, schema, split, seed=0)
            if new:  # run_data_checks does not call it yet (see the module docstring)
                findings += check_split_labels(frame, target, schema, split, seed=0)
            times[name].append(time.perf_counter() - start)
            ids |= {f"{f.id}:{f.severity}" for f in findings}
    leakage.check_dominance = real
    with_, without = (statistics.median(times[k]) for k in times)
    print(f"rows {args.rows:,} x {frame.shape[1] - 1} features, {args.rounds} rounds (medians)")
    print("| stage | seconds |\n| --- | --- |")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.2f} |")
    print(
        f"ratio with/without: {with_ / without:.2f}; target under 15 s: {'met' if with_ < 15 else 'NOT met'}"
    )
    print("findings:", ", ".join(sorted(ids)) or "none")


if __name__ == "__main__":
    main()
