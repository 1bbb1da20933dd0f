#!/usr/bin/env python
"""Measurement: does ``trainguard export --format onnx`` reproduce the skops model on real data?

For each real dataset (``benchmarks/datasets.py``) and model family, train a run (``--trials 1``,
``--cv 0``: the export does not depend on how well the model was tuned), export it, and compare
onnxruntime with the skops model on two sets of rows:

  test  the run's sealed test rows, held out before anything was fit (what the export checks)
  all   every row of the data, training rows included

Reported per pair: whether the export succeeded, label mismatches and the largest difference in
probabilities (or regression values) on each set. None of these datasets has a datetime or text
column (those converters are checked in tests/export/test_converters.py).

    .venv/bin/python benchmarks/onnx_parity.py
    .venv/bin/python benchmarks/onnx_parity.py --datasets penguins,titanic --families mlp
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import DATASETS  # noqa: E402

FAMILIES = ("linear", "random_forest", "gradient_boosting", "mlp")
DEFAULT = ("penguins", "breast_cancer", "diabetes", "titanic", "chile", "biopsy")


def _differences(run_dir: Path, frame) -> dict[str, float]:
    import trainguard
    from trainguard.export import onnx_predict, onnx_session

    run = trainguard.load_run(run_dir)
    frame = frame[frame[run.target].notna()]
    features = run.prepare(frame)
    got = onnx_predict(onnx_session(run_dir / "model.onnx"), features, run.schema)
    if run.task == "regression":
        return {
            "labels": 0,
            "max_diff": float(np.max(np.abs(got["prediction"].ravel() - run.model.predict(features)))),
        }
    labels = int((got["label"].astype(str) != run.model.predict(features).astype(str)).sum())
    return {
        "labels": labels,
        "max_diff": float(np.max(np.abs(got["probabilities"] - run.model.predict_proba(features)))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DEFAULT))
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()
    env = dict(os.environ, TRAINGUARD_TRACK="0")
    cli = [sys.executable, "-m", "trainguard"]
    print(
        "| dataset | task | family | export | test rows | test label mismatches | test max diff | all rows "
        "| all label mismatches | all max diff |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.datasets.split(","):
            dataset = DATASETS[name]
            frame = dataset.load()
            data = Path(tmp) / f"{name}.csv"
            frame.to_csv(data, index=False)
            for family in args.families.split(","):
                run = Path(tmp) / f"{name}-{family}"
                train = subprocess.run(
                    [
                        *cli,
                        "train",
                        str(data),
                        "-t",
                        dataset.target,
                        "--models",
                        family,
                        "--trials",
                        "1",
                        "--cv",
                        "0",
                        "--out",
                        str(run),
                        "--quiet",
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if train.returncode:
                    print(
                        f"| {name} | {dataset.task} | {family} | train failed: "
                        f"{train.stderr.strip().splitlines()[-1][:80]} | | | | | | |"
                    )
                    continue
                export = subprocess.run([*cli, "export", str(run)], env=env, capture_output=True, text=True)
                if export.returncode:
                    print(
                        f"| {name} | {dataset.task} | {family} | failed: "
                        f"{export.stderr.strip().splitlines()[-1][:120]} | | | | | | |"
                    )
                    continue
                test_rows = pd.read_csv(run / "test_predictions.csv")["row"]
                test = _differences(run, frame.iloc[test_rows.to_numpy()])
                full = _differences(run, frame)
                n_all = int(frame[dataset.target].notna().sum())
                print(
                    f"| {name} | {dataset.task} | {family} | ok | {len(test_rows)} | {test['labels']} "
                    f"| {test['max_diff']:.1e} | {n_all} | {full['labels']} | {full['max_diff']:.1e} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
