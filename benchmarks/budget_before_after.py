#!/usr/bin/env python
"""Benchmark: ``trainguard train --budget`` of two source trees (before/after a change), trainguard only.

The same datasets, splits, options and scoring as ``quality_at_budget.py`` (whose functions this
reuses), without FLAML: for each dataset, the ``before`` tree then the ``after`` tree, one after
the other (interleaved, so a change in machine load hits both alike), each as a user runs it
(``python -m trainguard train ... --budget 60s`` then ``predict``). Prints one JSON line per run
and a table: the test metric, R2 for regression, whole-process wall seconds, the chosen model.

Usage (from the repository root):

    .venv/bin/python benchmarks/budget_before_after.py --before /work/main/src --after src \\
        --datasets slid,diamonds,airquality,titanic --budget 60
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import quality_at_budget as quality
from datasets import DATASETS


def _command(src: str) -> list[str]:
    return ["env", f"PYTHONPATH={Path(src).resolve()}", sys.executable, "-m", "trainguard"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the src/ folder of the tree before the change")
    parser.add_argument("--after", required=True, help="the src/ folder of the tree after the change")
    parser.add_argument("--datasets", default="slid,diamonds,airquality,titanic")
    parser.add_argument("--budget", type=float, default=60.0)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="trainguard-ba-") as tmp:
        for name in args.datasets.split(","):
            dataset = DATASETS[name]
            split = quality.make_split(dataset, Path(tmp), "/nonexistent")
            metric = quality.default_metric(dataset.task)
            for tag, src in (("before", args.before), ("after", args.after)):
                base = _command(src)
                train_args = quality.trainguard_train_args(dataset, metric, quality.SEED, args.budget,
                                                           quality.train_options(base), [])
                load = os.getloadavg()[0]
                run = quality.run_trainguard(split, Path(tmp), f"{name}-{tag}", base, train_args,
                                             5 * args.budget + 120)
                scores = quality.scores(dataset.task, split, run)
                row = dict(dataset=name, version=tag, metric=metric, score=scores.get(metric),
                           r2=scores.get("r2"), wall_s=run.wall_s, model=run.model,
                           params=(run.details or {}).get("params"), error=run.error, load=load)
                rows.append(row)
                print(json.dumps(row, default=str), flush=True)
    print("\n| dataset | metric | before | after | before R2 | after R2 | before s | after s | before model "
          "| after model | load |\n|---|---|---|---|---|---|---|---|---|---|---|")
    for before, after in zip(rows[::2], rows[1::2], strict=True):
        r2 = [f"{r['r2']:.3f}" if r["r2"] is not None else "-" for r in (before, after)]
        print(f"| {before['dataset']} | {before['metric']} | {before['score']:.4g} | {after['score']:.4g} | "
              f"{r2[0]} | {r2[1]} | {before['wall_s']:.0f} | {after['wall_s']:.0f} | {before['model']} | "
              f"{after['model']} | {before['load']:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
