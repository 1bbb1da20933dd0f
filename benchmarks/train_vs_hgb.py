#!/usr/bin/env python
"""Benchmark: ``trainguard train`` against one default HistGradientBoosting model.

For each bundled real dataset the script writes a CSV to a temporary folder, then

  (a) runs ``trainguard train DATA --target T --out RUN --seed 42 --quiet`` as a subprocess,
      timed from the outside (wall time, Python start-up included), ``--repeats`` times, and
      reads the test metrics from the run's ``metrics.json``;
  (b) fits scikit-learn's ``HistGradientBoostingClassifier/Regressor()`` with default
      parameters on exactly the same rows: the run's ``split.csv`` says which source rows were
      train, val and test; the baseline fits on train+val and predicts the test rows. Object
      columns go through an ``OrdinalEncoder`` in a ``ColumnTransformer`` and are passed to HGB
      as native categoricals; missing values are left to HGB. Timed in-process (fit+predict).

Both sides are scored by trainguard's own ``evaluate_predictions`` (binary roc_auc,
multiclass f1_macro, regression rmse, plus accuracy for classification), so the comparison
uses one metric implementation. As a check, the trainguard model saved in the run is loaded and
its test predictions are scored again; they must reproduce ``metrics.json``. Those predictions
also give a paired bootstrap interval for the difference between the two scores.

Usage (from the repository root):

    .venv/bin/python benchmarks/train_vs_hgb.py                 # all datasets, 3 repeats
    .venv/bin/python benchmarks/train_vs_hgb.py --quick         # 1 repeat
    .venv/bin/python benchmarks/train_vs_hgb.py --datasets penguins,wine --json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from datasets import DATASETS as ALL_DATASETS
from datasets import Dataset
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from threadpoolctl import threadpool_limits

import trainguard
from trainguard.evaluate.metrics import evaluate_predictions, get_metric
from trainguard.track.run import Run
from trainguard.track.run_folder import to_json

SEED = 42
DEFAULT_REPEATS = 3
# OpenMP/BLAS threads on both sides. One thread by default: HGB's OpenMP threads slow down
# 10-50x when the cores are busy with other work, which would make the timings meaningless.
DEFAULT_THREADS = 1
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# Resamples of the test rows for the paired bootstrap interval of the score difference.
PAIRED_RESAMPLES = 1000
# metrics.json and the re-scored saved model must agree to this tolerance.
CHECK_TOLERANCE = 1e-9

NOTES = (
    "trainguard wall time is the whole `trainguard train` process, median over the repeats: "
    "Python start-up and imports, reading and checking the data, splitting, training the "
    "baseline and three candidates (linear, random forest of 300 trees, early-stopped gradient "
    "boosting), refitting the chosen model and the baseline on train+val, bootstrap confidence "
    "intervals (1000 resamples) for both, and saving the run folder with a skops model.",
    "HGB wall time is one default HistGradientBoosting model in this process: fit on train+val "
    "and predict (labels and probabilities) on test, median over the repeats; no start-up, no "
    "checks, no model choice, nothing saved.",
    "Both scores are computed by trainguard.evaluate.metrics.evaluate_predictions on the same "
    "test rows; diff = trainguard - HGB (for rmse lower is better, so a negative diff favours "
    "trainguard). 'diff 95% CI' is a paired percentile bootstrap over the test rows.",
)


# --------------------------------------------------------------------------------------------
# Datasets
# --------------------------------------------------------------------------------------------


# The loaders live in datasets.py, shared with the other benchmarks; these five need nothing
# beyond trainguard's own environment.
DATASETS: dict[str, Dataset] = {
    name: ALL_DATASETS[name] for name in ("penguins", "penguins_sex", "breast_cancer", "wine", "diabetes")
}


# --------------------------------------------------------------------------------------------
# (a) trainguard as a subprocess
# --------------------------------------------------------------------------------------------


def trainguard_command() -> list[str]:
    """The console script of the Python running this file, so both sides use one environment."""
    script = Path(sys.executable).with_name("trainguard")
    if script.is_file():
        return [str(script)]
    found = shutil.which("trainguard")
    return [found] if found else [sys.executable, "-m", "trainguard"]


def time_command(command: Sequence[str], cwd: Path, timeout: float | None = None) -> float:
    """Wall seconds of a command that must succeed; past ``timeout`` it is killed
    (``subprocess.TimeoutExpired``)."""
    start = time.perf_counter()
    proc = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(
            f"command failed with exit code {proc.returncode}: {' '.join(command)}\n"
            f"{proc.stdout}{proc.stderr}"
        )
    return elapsed


@dataclass
class TrainguardResult:
    run: Path
    times: list[float]
    manifest: dict[str, Any]
    metrics: dict[str, Any]
    split: pd.DataFrame


def run_trainguard(csv: Path, target: str, workdir: Path, repeats: int) -> TrainguardResult:
    base = trainguard_command()
    times: list[float] = []
    scores: list[Any] = []
    runs: list[Path] = []
    for i in range(repeats):
        out = workdir / f"{csv.stem}-run{i + 1}"
        command = [*base, "train", str(csv), "--target", target, "--out", str(out),
                   "--seed", str(SEED), "--quiet"]
        times.append(time_command(command, workdir))
        metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
        scores.append(metrics["test"]["model"]["ci"]["value"])
        runs.append(out)
    if len(set(scores)) > 1:
        print(f"warning: {csv.stem}: trainguard test scores differ between repeats: {scores}",
              file=sys.stderr)
    first = runs[0]
    return TrainguardResult(
        run=first,
        times=times,
        manifest=json.loads((first / "manifest.json").read_text(encoding="utf-8")),
        metrics=json.loads((first / "metrics.json").read_text(encoding="utf-8")),
        split=pd.read_csv(first / "split.csv"),
    )


# --------------------------------------------------------------------------------------------
# (b) the plain scikit-learn baseline
# --------------------------------------------------------------------------------------------


def build_hgb(X: pd.DataFrame, task: str) -> Pipeline:
    """Ordinal-encode the non-numeric columns; HGB treats them as native categoricals.

    Default HGB parameters; random_state only fixes the seed (it has no effect here: early
    stopping is off by default below 10,000 rows and nothing else is random).
    """
    categorical = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])
                   or pd.api.types.is_bool_dtype(X[c])]
    numeric = [c for c in X.columns if c not in categorical]
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                             encoded_missing_value=np.nan)
    preprocess = ColumnTransformer(
        [("categorical", encoder, categorical), ("numeric", "passthrough", numeric)],
        verbose_feature_names_out=False,
    )
    mask = [True] * len(categorical) + [False] * len(numeric)
    if task == "regression":
        model: Any = HistGradientBoostingRegressor(categorical_features=mask, random_state=SEED)
    else:
        model = HistGradientBoostingClassifier(categorical_features=mask, random_state=SEED)
    return Pipeline([("preprocess", preprocess), ("model", model)])


@dataclass
class Predictions:
    y_pred: np.ndarray
    proba: np.ndarray | None
    classes: np.ndarray | None


def run_hgb(X_fit: pd.DataFrame, y_fit: pd.Series, X_test: pd.DataFrame, task: str,
            repeats: int) -> tuple[Predictions, list[float]]:
    times: list[float] = []
    results: list[Predictions] = []
    for _ in range(repeats):
        pipeline = build_hgb(X_fit, task)
        start = time.perf_counter()
        pipeline.fit(X_fit, y_fit)
        y_pred = pipeline.predict(X_test)
        proba = pipeline.predict_proba(X_test) if task != "regression" else None
        times.append(time.perf_counter() - start)
        classes = np.asarray(pipeline.classes_) if task != "regression" else None
        results.append(Predictions(np.asarray(y_pred), proba, classes))
    first = results[0]
    for other in results[1:]:
        same = np.array_equal(first.y_pred, other.y_pred) and (
            first.proba is None or np.allclose(first.proba, other.proba, rtol=0, atol=1e-12))
        if not same:
            print("warning: HGB predictions differ between repeats", file=sys.stderr)
            break
    return first, times


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def trainguard_predictions(run_dir: Path, X_test_frame: pd.DataFrame, task: str) -> Predictions:
    """The saved model's test predictions, read the way ``trainguard predict`` reads data."""
    run = Run.load(run_dir)
    features = run.prepare(X_test_frame)
    model = run.model
    y_pred = np.asarray(model.predict(features))
    if task == "regression":
        return Predictions(y_pred, None, None)
    return Predictions(y_pred, np.asarray(model.predict_proba(features), dtype=float),
                       np.asarray(model.classes_))


def paired_bootstrap(metric_name: str, task: str, y_true: np.ndarray, a: Predictions,
                     b: Predictions) -> tuple[float, float]:
    """95% percentile interval of score(a) - score(b) over resamples of the test rows."""
    metric = get_metric(metric_name, task)
    rng = np.random.default_rng(SEED)
    n = len(y_true)
    diffs = []
    for _ in range(PAIRED_RESAMPLES):
        idx = rng.integers(0, n, size=n)
        score_a = metric(y_true[idx], a.y_pred[idx], None if a.proba is None else a.proba[idx],
                         classes=a.classes)
        score_b = metric(y_true[idx], b.y_pred[idx], None if b.proba is None else b.proba[idx],
                         classes=b.classes)
        diffs.append(score_a - score_b)
    values = np.asarray(diffs, dtype=float)
    values = values[~np.isnan(values)]
    if 2 * len(values) < PAIRED_RESAMPLES:
        return math.nan, math.nan
    low, high = np.quantile(values, [0.025, 0.975])
    return float(low), float(high)


def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def benchmark(dataset: Dataset, workdir: Path, repeats: int) -> dict[str, Any]:
    csv = workdir / f"{dataset.name}.csv"
    dataset.load().to_csv(csv, index=False)

    print(f"{dataset.name}: trainguard train x{repeats} ...", file=sys.stderr)
    tg = run_trainguard(csv, dataset.target, workdir, repeats)
    task = tg.manifest["target"]["task"]
    if task != dataset.task:
        print(f"warning: {dataset.name}: trainguard inferred task {task!r}, expected "
              f"{dataset.task!r}", file=sys.stderr)
    metric = tg.metrics["metric"]

    # The same rows: split.csv rows are 0-based data rows of the CSV.
    frame = pd.read_csv(csv)
    parts = tg.split.set_index("row")["part"]
    fit_rows = parts.index[parts.isin(["train", "val"])].to_numpy()
    test_rows = parts.index[parts.eq("test")].to_numpy()
    y = frame[dataset.target]
    if y.iloc[fit_rows].isna().any() or y.iloc[test_rows].isna().any():
        raise RuntimeError(f"{dataset.name}: split.csv names rows without a target")
    X = frame.drop(columns=[dataset.target])
    X_fit, y_fit = X.iloc[fit_rows], y.iloc[fit_rows]
    X_test, y_test = X.iloc[test_rows], y.iloc[test_rows].to_numpy()

    print(f"{dataset.name}: HistGradientBoosting x{repeats} ...", file=sys.stderr)
    hgb, hgb_times = run_hgb(X_fit, y_fit, X_test, task, repeats)
    hgb_metrics = evaluate_predictions(task, y_test, hgb.y_pred, hgb.proba, classes=hgb.classes)
    tg_metrics = tg.metrics["test"]["model"]["metrics"]

    # Check: the saved trainguard model, re-scored on the test rows, reproduces metrics.json.
    tg_pred = trainguard_predictions(tg.run, frame.iloc[test_rows], task)
    rescored = evaluate_predictions(task, y_test, tg_pred.y_pred, tg_pred.proba,
                                    classes=tg_pred.classes)
    check_gap = abs(_num(rescored[metric]) - _num(tg_metrics[metric]))
    check_ok = check_gap <= CHECK_TOLERANCE
    if not check_ok:
        print(f"warning: {dataset.name}: re-scoring the saved trainguard model gives "
              f"{metric}={rescored[metric]}, metrics.json says {tg_metrics[metric]}",
              file=sys.stderr)
    ci_low, ci_high = paired_bootstrap(metric, task, y_test, tg_pred, hgb)

    tg_score, hgb_score = _num(tg_metrics[metric]), _num(hgb_metrics[metric])
    greater_is_better = bool(tg.metrics["greater_is_better"])
    diff = tg_score - hgb_score
    if abs(diff) < 1e-12:
        better = "tie"
    else:
        better = "trainguard" if (diff > 0) == greater_is_better else "HGB"
    tg_median, hgb_median = statistics.median(tg.times), statistics.median(hgb_times)
    classification = task != "regression"
    return {
        "dataset": dataset.name,
        "description": dataset.description,
        "target": dataset.target,
        "task": task,
        "rows": int(tg.manifest["data"]["rows_used"]),
        "rows_read": int(tg.manifest["data"]["rows_read"]),
        "split_sizes": tg.manifest["split"]["sizes"],
        "test_rows": int(len(test_rows)),
        "metric": metric,
        "greater_is_better": greater_is_better,
        "trainguard_score": tg_score,
        "hgb_score": hgb_score,
        "diff": diff,
        "diff_ci95": [ci_low, ci_high],
        "better": better,
        "trainguard_accuracy": _num(tg_metrics["accuracy"]) if classification else None,
        "hgb_accuracy": _num(hgb_metrics["accuracy"]) if classification else None,
        "trainguard_ci95": [tg.metrics["test"]["model"]["ci"]["low"],
                            tg.metrics["test"]["model"]["ci"]["high"]],
        "trainguard_model": tg.manifest["model"]["name"],
        "trainguard_params": tg.manifest["model"]["params"],
        "trainguard_validation": tg.metrics["validation"],
        "trainguard_wall_s": tg_median,
        "hgb_wall_s": hgb_median,
        "ratio": tg_median / hgb_median if hgb_median > 0 else math.inf,
        "trainguard_times_s": tg.times,
        "hgb_times_s": hgb_times,
        "trainguard_metrics": tg_metrics,
        "hgb_metrics": hgb_metrics,
        "rescore_check": {"ok": check_ok, "abs_gap": check_gap},
    }


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def source_version() -> str:
    """trainguard's version and, in a git checkout, the commit and whether src/ has edits."""
    version = f"trainguard {trainguard.__version__}"
    repo = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain", "--",
                                "src"], cwd=repo, capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return version
    return f"{version}, commit {head}" + (" with uncommitted changes in src/" if dirty else "")


def source_stamp() -> tuple[tuple[str, int], ...]:
    """Modification times of trainguard's source, to notice edits made during the benchmark."""
    root = Path(trainguard.__file__).parent
    return tuple(sorted((str(p.relative_to(root)), p.stat().st_mtime_ns)
                        for p in root.rglob("*.py")))


def startup_time(workdir: Path, repeats: int) -> float:
    """``trainguard --version``: the fixed cost of starting Python and importing the CLI."""
    return statistics.median(time_command([*trainguard_command(), "--version"], workdir)
                             for _ in range(repeats))


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _score(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.2f}" if abs(value) >= 10 else f"{value:.4f}"


def _signed(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:+.2f}" if abs(value) >= 10 else f"{value:+.4f}"


def format_table(results: list[dict[str, Any]]) -> str:
    headers = ["dataset", "task", "rows", "test", "metric", "trainguard", "HGB", "diff",
               "diff 95% CI", "better", "tg acc", "HGB acc", "tg model", "tg s", "HGB s", "ratio"]
    right = {"rows", "test", "trainguard", "HGB", "diff", "tg acc", "HGB acc", "tg s", "HGB s",
             "ratio"}
    rows = []
    for r in results:
        low, high = r["diff_ci95"]
        rows.append([
            r["dataset"], r["task"], str(r["rows"]), str(r["test_rows"]), r["metric"],
            _score(r["trainguard_score"]), _score(r["hgb_score"]), _signed(r["diff"]),
            f"[{_signed(low)}, {_signed(high)}]", r["better"],
            _score(r["trainguard_accuracy"]), _score(r["hgb_accuracy"]), r["trainguard_model"],
            f"{r['trainguard_wall_s']:.2f}", f"{r['hgb_wall_s']:.3f}", f"{r['ratio']:.0f}x",
        ])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if h in right else c.ljust(w)
                         for c, w, h in zip(cells, widths, headers, strict=False)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    return "\n".join(out)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare `trainguard train` with a default HistGradientBoosting model on "
                    "the same split of bundled real datasets.")
    parser.add_argument("--datasets", nargs="+", metavar="NAME",
                        help=f"datasets to run, space- or comma-separated (default: all of "
                             f"{', '.join(DATASETS)})")
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS,
                        help="timed repeats per side; the median is reported (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="one repeat (overrides --repeats)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help="OpenMP/BLAS threads for both sides (0: the libraries' default, "
                             "all cores; default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    names = [n.strip() for value in (args.datasets or list(DATASETS))
             for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        parser.error(f"unknown dataset(s): {', '.join(unknown)}; choose from {', '.join(DATASETS)}")
    args.datasets = list(dict.fromkeys(names))
    if args.quick:
        args.repeats = 1
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.threads < 0:
        parser.error("--threads must be 0 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    limit = args.threads or None
    if limit:
        # The subprocess reads the variables at start-up; this process is limited below.
        os.environ.update({name: str(limit) for name in THREAD_VARIABLES})
    with tempfile.TemporaryDirectory(prefix="trainguard-bench-") as tmp, \
            threadpool_limits(limits=limit):
        workdir = Path(tmp)
        version, stamp = source_version(), source_stamp()
        load_before = _load_average()
        startup = startup_time(workdir, args.repeats)
        results = [benchmark(DATASETS[name], workdir, args.repeats) for name in args.datasets]
        load_after = _load_average()
        changed = source_stamp() != stamp

    version_note = f"Code: {version}."
    if changed:
        version_note += " WARNING: trainguard's source changed while the benchmark ran."
        print(f"warning: {version_note}", file=sys.stderr)
    threads = f"{limit} OpenMP/BLAS thread(s)" if limit else "the libraries' default threads"
    machine_note = (f"Machine: {os.cpu_count()} CPUs, both sides with {threads}; 1-minute "
                    f"load average {load_before} at the start, {load_after} at the end (other "
                    f"work on the machine slows both sides).")
    startup_note = (f"`trainguard --version` alone (Python start-up + CLI imports) takes "
                    f"{startup:.2f} s, median of {args.repeats}.")
    if args.json:
        print(to_json({
            "seed": SEED,
            "repeats": args.repeats,
            "trainguard_startup_s": startup,
            "cpus": os.cpu_count(),
            "threads": limit,
            "load_average": [load_before, load_after],
            "version": version,
            "source_changed_during_run": changed,
            "notes": [*NOTES, startup_note, machine_note, version_note],
            "results": results,
        }))
    else:
        print(format_table(results))
        print()
        print(f"Times: median of {args.repeats} run(s); ratio = trainguard s / HGB s. Seed {SEED}.")
        for note in (*NOTES, startup_note, machine_note, version_note):
            print(f"- {note}")
        failed = [r["dataset"] for r in results if not r["rescore_check"]["ok"]]
        if failed:
            print(f"- WARNING: re-scoring the saved trainguard model did not reproduce "
                  f"metrics.json for: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
