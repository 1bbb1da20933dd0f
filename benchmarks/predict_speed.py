#!/usr/bin/env python
"""Benchmark: scoring a run's model with skops (``trainguard predict``'s path) against onnxruntime.

For each family (default: gradient_boosting and mlp, the costliest to score) the script trains a
run on the bundled penguins data (``--trials 1``, 2-fold CV), exports it with
``trainguard export --format onnx`` (which checks parity on the test rows), then scores:

  batch    ``--rows`` rows (default 1,000,000: the penguins rows resampled with replacement)
  latency  10 rows, the median over ``--calls`` calls (default 200) in one process

Both engines start from the same raw frame and include the schema checks and coercion, as
``trainguard predict`` does: skops is ``Run.predictions_frame(frame, proba=True)`` (what predict
writes: checked, coerced and scored 16,384 rows at a time),
ONNX is :func:`trainguard.export.onnx_predict` (16,384 rows per onnxruntime call, each chunk
prepared on its own, so the frame is never converted whole). Each batch
measurement runs in a fresh subprocess, engines interleaved, ``--repeats`` times (median), one
thread each (``OMP_NUM_THREADS=1``, onnxruntime ``intra_op_num_threads=1``), so the comparison is
per core. Memory: the peak resident set while scoring minus the resident set just before, as a
multiple of the input frame's size (``DataFrame.memory_usage(deep=True)``); the target is < 3x.

    .venv/bin/python benchmarks/predict_speed.py                     # 1M rows, 3 repeats
    .venv/bin/python benchmarks/predict_speed.py --rows 200000 --repeats 1 --families mlp
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENGINES = ("skops", "onnx")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _frame(rows: int):
    import pandas as pd

    from trainguard.datasets import path

    data = pd.read_csv(path("penguins")).drop(columns="species")
    return data.sample(rows, replace=True, random_state=0).reset_index(drop=True)


def _scorer(engine: str, run_dir: str):
    import onnxruntime as ort

    import trainguard
    from trainguard.export import onnx_predict

    run = trainguard.load_run(run_dir)
    if engine == "skops":
        _ = run.model  # loaded before timing, as the ONNX session is

        def score(frame):
            return run.predictions_frame(frame, proba=True)  # what `trainguard predict` writes

        return score
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        str(Path(run_dir) / "model.onnx"), options, providers=["CPUExecutionProvider"]
    )

    def score(frame):
        out = onnx_predict(session, frame, run.schema, prepare=run.prepare)
        return out["label"], out["probabilities"]

    return score


def worker(engine: str, run_dir: str, rows: int, calls: int) -> dict:
    score = _scorer(engine, run_dir)
    small = _frame(10)
    score(small)  # warm-up: lazy imports, first-call allocations
    latencies = []
    for _ in range(calls):
        start = time.perf_counter()
        score(small)
        latencies.append(time.perf_counter() - start)
    frame = _frame(rows)
    frame_bytes = int(frame.memory_usage(deep=True).sum())
    before = _rss_bytes()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    score(frame)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    extra = max(0, peak - max(before, peak_before)) if peak > peak_before else 0
    return {
        "engine": engine,
        "seconds": seconds,
        "latency_ms": statistics.median(latencies) * 1000,
        "extra_bytes": extra,
        "frame_bytes": frame_bytes,
    }


def _train_and_export(family: str, folder: Path) -> Path:
    from trainguard.datasets import path

    env = dict(os.environ, TRAINGUARD_TRACK="0", TRAINGUARD_CV="2", TRAINGUARD_TRIALS="1")
    run = folder / family
    cli = [sys.executable, "-m", "trainguard"]
    subprocess.run(
        [
            *cli,
            "train",
            str(path("penguins")),
            "-t",
            "species",
            "--models",
            family,
            "--out",
            str(run),
            "--quiet",
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    subprocess.run([*cli, "export", str(run)], check=True, env=env, capture_output=True)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--families", default="gradient_boosting,mlp")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "RUN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], args.rows, args.calls)))
        return
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for family in args.families.split(","):
            print(f"training and exporting {family}...", file=sys.stderr)
            run = _train_and_export(family, Path(tmp))
            samples: dict[str, list[dict]] = {e: [] for e in ENGINES}
            for repeat in range(args.repeats):
                for engine in ENGINES if repeat % 2 == 0 else ENGINES[::-1]:  # interleaved
                    out = subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--worker",
                            engine,
                            str(run),
                            "--rows",
                            str(args.rows),
                            "--calls",
                            str(args.calls),
                        ],
                        check=True,
                        capture_output=True,
                        text=True,
                        env=env,
                    )
                    samples[engine].append(json.loads(out.stdout.strip().splitlines()[-1]))
            row = {"family": family, "rows": args.rows}
            for engine in ENGINES:
                runs = samples[engine]
                row[f"{engine}_s"] = statistics.median(r["seconds"] for r in runs)
                row[f"{engine}_latency_ms"] = statistics.median(r["latency_ms"] for r in runs)
                row[f"{engine}_memory_x"] = max(r["extra_bytes"] for r in runs) / runs[0]["frame_bytes"]
            row["frame_mb"] = samples["onnx"][0]["frame_bytes"] / 1e6
            row["speedup"] = row["skops_s"] / row["onnx_s"]
            row["latency_speedup"] = row["skops_latency_ms"] / row["onnx_latency_ms"]
            results.append(row)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        "| family | rows | frame MB | skops s | onnx s | speed-up | skops 10 rows ms | onnx 10 rows ms "
        "| latency speed-up | skops mem x | onnx mem x |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['family']} | {r['rows']:,} | {r['frame_mb']:.0f} | {r['skops_s']:.2f} | {r['onnx_s']:.2f} "
            f"| {r['speedup']:.2f}x | {r['skops_latency_ms']:.2f} | {r['onnx_latency_ms']:.2f} "
            f"| {r['latency_speedup']:.2f}x | {r['skops_memory_x']:.2f} | {r['onnx_memory_x']:.2f} |"
        )


if __name__ == "__main__":
    main()
