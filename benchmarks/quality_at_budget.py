#!/usr/bin/env python
"""Benchmark: test quality of ``trainguard train --budget 60s`` against FLAML ``AutoML(time_budget=60)``.

Both tools get the same time budget and exactly the same training rows of real datasets; the
script scores their predictions of the same held-out test rows with one function.

Datasets (loaders in benchmarks/datasets.py; all shipped inside packages, nothing downloads):

  name       task        rows   features  why it is here
  penguins   multiclass    344  7         trainguard's quick-start data: 2 categoricals, 19
                                          missing cells; easy, so both should be near perfect
  biopsy     binary        699  9         MASS breast biopsies: 9 ordinal cytology scores, 16
                                          missing in bare_nuclei, many duplicate rows
  titanic    binary      1,316  3         only categorical features (class, age group, sex),
                                          few distinct rows: the signal is all in the encoding
  chile      multiclass  2,532  7         carData 1988 plebiscite poll: 4 unbalanced classes,
                                          3 categoricals and missing values, weak signal
                                          (2,700 rows, 168 without a vote dropped)
  slid       regression  4,147  4         carData Ontario wages: skewed target, 2 categoricals,
                                          missing values (7,425 rows, 3,278 without a wage)
  diamonds   regression 10,000  9         ggplot2 diamonds, a seeded 10,000-row sample: 3
                                          ordered categoricals, strong non-linear signal where
                                          tuning boosting pays

More are registered (``--datasets breast_cancer,wine,diabetes,penguins_sex,airquality``).

For each dataset the script drops rows without a target, makes one seeded train/test split
(80/20, stratified for classification) into a temporary folder, then

  (a) trainguard, from this Python's environment, as a user runs it:
      ``trainguard train train.csv --target T --task TASK --metric M --seed S --quiet
      --budget 60s --out RUN`` then ``trainguard predict RUN test.csv -o preds.csv --proba``.
      ``--budget`` is passed only if ``trainguard train --help`` lists it (detected once; the
      output says which mode ran). trainguard makes its own train/validation/test split
      inside train.csv; its final model is refit on its train+validation part;
  (b) FLAML, in its own environment (``--flaml-python``, see benchmarks/requirements-flaml.txt),
      through ``benchmarks/_flaml_worker.py``: ``AutoML().fit(X, y, task=..., metric=...,
      time_budget=60, seed=S)`` on all of train.csv, predicting test.csv.

Both are scored by ``trainguard.evaluate.metrics.evaluate_predictions`` on the test rows with
the task's metric (binary roc_auc from probabilities, multiclass f1_macro, regression rmse; FLAML
optimises the same metric: roc_auc, macro_f1, rmse), plus accuracy and log loss, or r2 and mae.
The difference comes with a paired bootstrap 95% interval over the test rows. Wall times are
whole processes measured from outside (``trainguard train``; FLAML's worker, fit and predict); a
process still running after ``--kill-after`` seconds is killed and counts as that tool's loss,
and a tool far over the budget is named in an ``OVER BUDGET`` line.

Usage (from the repository root; build the FLAML environment first, see benchmarks/README.md):

    .venv/bin/python benchmarks/quality_at_budget.py                      # 60 s, all six
    .venv/bin/python benchmarks/quality_at_budget.py --budget 10 --datasets penguins,titanic
    .venv/bin/python benchmarks/quality_at_budget.py --out results.csv --repeats 2
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from datasets import DATASETS, Dataset, write_csv
from sklearn.model_selection import train_test_split
from train_vs_hgb import (
    Predictions,
    _load_average,
    paired_bootstrap,
    source_version,
    time_command,
    trainguard_command,
)

from trainguard.atomic import atomic_path
from trainguard.evaluate.metrics import default_metric, evaluate_predictions, get_metric

SEED = 42
TEST_SIZE = 0.2
DEFAULT_BUDGET = 60.0
DEFAULT_DATASETS = ("penguins", "biopsy", "titanic", "chile", "slid", "diamonds")
DEFAULT_FLAML_PYTHON = "/tmp/flaml-venv/bin/python"
HERE = Path(__file__).resolve().parent
WORKER = HERE / "_flaml_worker.py"
# trainguard's metric names to FLAML's, for the metric FLAML optimises.
FLAML_METRICS = {"roc_auc": "roc_auc", "f1_macro": "macro_f1", "rmse": "rmse"}
# A tool's process counts as over budget past factor x budget + slack (start-up, refit, saving).
OVER_BUDGET_FACTOR = 1.5
OVER_BUDGET_SLACK_S = 30.0
# Printed beside the main metric.
OTHER_METRICS = {
    "binary": ("accuracy", "log_loss"),
    "multiclass": ("accuracy", "log_loss"),
    "regression": ("r2", "mae"),
}


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass
class Split:
    train_csv: Path
    test_csv: Path  # features only: neither tool sees the test labels
    y_test: np.ndarray
    classes: np.ndarray | None  # text labels, sorted; None for regression
    rows: int


def _labels(values: pd.Series | np.ndarray) -> np.ndarray:
    """Class labels as text: how trainguard names them in its ``proba_<class>`` columns."""
    return np.asarray(pd.Series(values).astype(str), dtype=object)


def materialise(dataset: Dataset, path: Path, flaml_python: str) -> None:
    """Write the dataset to CSV here, or with the FLAML environment if only it has the package."""
    if dataset.available():
        write_csv(dataset.name, path)
        return
    time_command([flaml_python, str(HERE / "datasets.py"), dataset.name, str(path)], HERE)


def make_split(dataset: Dataset, workdir: Path, flaml_python: str) -> Split:
    raw = workdir / f"{dataset.name}.csv"
    materialise(dataset, raw, flaml_python)
    frame = pd.read_csv(raw)
    frame = frame[frame[dataset.target].notna()].reset_index(drop=True)
    classification = dataset.task != "regression"
    y = frame[dataset.target]
    train, test = train_test_split(frame, test_size=TEST_SIZE, random_state=SEED,
                                   stratify=y if classification else None)
    train_csv, test_csv = workdir / f"{dataset.name}-train.csv", workdir / f"{dataset.name}-test.csv"
    train.to_csv(train_csv, index=False)
    test.drop(columns=[dataset.target]).to_csv(test_csv, index=False)
    if classification:
        return Split(train_csv, test_csv, _labels(test[dataset.target]),
                     np.asarray(sorted(set(_labels(y))), dtype=object), len(frame))
    return Split(train_csv, test_csv, test[dataset.target].to_numpy(dtype=float), None, len(frame))


def read_predictions(path: Path, split: Split) -> Predictions:
    """Both tools write ``prediction`` and ``proba_<class>`` columns; put the probabilities in
    the order of ``split.classes`` (a class a model never predicts gets probability 0)."""
    frame = pd.read_csv(path, dtype={"prediction": str} if split.classes is not None else None)
    if len(frame) != len(split.y_test):
        raise RuntimeError(f"{path.name}: {len(frame)} predictions for {len(split.y_test)} test rows")
    if split.classes is None:
        return Predictions(frame["prediction"].to_numpy(dtype=float), None, None)
    proba = np.column_stack([
        frame[f"proba_{label}"].to_numpy(dtype=float) if f"proba_{label}" in frame
        else np.zeros(len(frame)) for label in split.classes
    ])
    return Predictions(_labels(frame["prediction"]), proba, split.classes)


# --------------------------------------------------------------------------------------------
# The two tools
# --------------------------------------------------------------------------------------------


def train_options(base: list[str]) -> str:
    """``trainguard train --help``: which options this trainguard has (--budget came later)."""
    proc = subprocess.run([*base, "train", "--help"], capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else ""


@dataclass
class ToolRun:
    predictions: Predictions | None = None
    wall_s: float = math.nan  # the fitting process: `trainguard train`, or FLAML's whole worker
    predict_s: float = math.nan  # `trainguard predict` (FLAML predicts inside its worker)
    model: str = "-"
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def _failure(exc: Exception) -> str:
    if isinstance(exc, subprocess.TimeoutExpired):
        return f"killed after {exc.timeout:.0f} s (--kill-after)"
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return " | ".join(lines[-3:])[:400]


def trainguard_train_args(dataset: Dataset, metric: str, seed: int, budget: float | None,
                          options: str, extra: Sequence[str]) -> list[str]:
    args = ["--target", dataset.target, "--task", dataset.task, "--metric", metric,
            "--seed", str(seed), "--quiet"]
    if budget is not None:
        args += ["--budget", f"{budget:g}s"]
    if "--no-track" in options:
        args.append("--no-track")  # MLflow logging is no part of the model's quality
    return [*args, *extra]


def run_trainguard(split: Split, workdir: Path, tag: str, base: list[str], train_args: list[str],
                   kill_after: float) -> ToolRun:
    run_dir, preds = workdir / f"tg-{tag}", workdir / f"tg-{tag}-preds.csv"
    result = ToolRun()
    train = [*base, "train", str(split.train_csv), *train_args, "--out", str(run_dir)]
    predict = [*base, "predict", str(run_dir), str(split.test_csv), "-o", str(preds), "--quiet"]
    if split.classes is not None:
        predict.append("--proba")
    try:
        result.wall_s = time_command(train, workdir, timeout=kill_after)
        result.predict_s = time_command(predict, workdir, timeout=kill_after)
        result.predictions = read_predictions(preds, split)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        result.error = _failure(exc)
        return result
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    leaderboard = pd.read_csv(run_dir / "leaderboard.csv")
    result.model = str(manifest["model"]["name"])
    result.details = {
        "params": manifest["model"].get("params"),
        "split_sizes": manifest["split"]["sizes"],
        "search": manifest.get("search"),
        "leaderboard": json.loads(leaderboard.to_json(orient="records")),
    }
    return result


def run_flaml(dataset: Dataset, split: Split, workdir: Path, tag: str, metric: str, seed: int,
              budget: float, flaml_python: str, kill_after: float) -> ToolRun:
    preds, info = workdir / f"flaml-{tag}-preds.csv", workdir / f"flaml-{tag}.json"
    command = [flaml_python, str(WORKER), "--train", str(split.train_csv), "--test", str(split.test_csv),
               "--target", dataset.target, "--task", dataset.task, "--metric", FLAML_METRICS[metric],
               "--budget", f"{budget:g}", "--seed", str(seed), "--predictions", str(preds),
               "--info", str(info)]
    result = ToolRun()
    try:
        result.wall_s = time_command(command, workdir, timeout=kill_after)
        result.predictions = read_predictions(preds, split)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        result.error = _failure(exc)
        return result
    result.details = json.loads(info.read_text(encoding="utf-8"))
    result.model = str(result.details["best_estimator"])
    return result


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def scores(task: str, split: Split, run: ToolRun) -> dict[str, Any]:
    """Every metric of the task, from one implementation for both tools; empty if it failed."""
    if run.predictions is None:
        return {}
    p = run.predictions
    return evaluate_predictions(task, split.y_test, p.y_pred, p.proba, classes=p.classes)


def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def benchmark(dataset: Dataset, workdir: Path, args: argparse.Namespace,
              options: str) -> list[dict[str, Any]]:
    print(f"{dataset.name}: split ...", file=sys.stderr)
    split = make_split(dataset, workdir, args.flaml_python)
    metric = default_metric(dataset.task)
    greater = get_metric(metric, dataset.task).greater_is_better
    results = []
    for repeat in range(args.repeats):
        seed, tag = SEED + repeat, f"{dataset.name}-{repeat + 1}"
        budget = args.budget if "--budget" in options else None
        train_args = trainguard_train_args(dataset, metric, seed, budget, options, args.trainguard_args)
        print(f"{dataset.name}: trainguard train (seed {seed}) ...", file=sys.stderr)
        tg = run_trainguard(split, workdir, tag, args.trainguard, train_args, args.kill_after)
        print(f"{dataset.name}: FLAML (seed {seed}) ...", file=sys.stderr)
        fl = run_flaml(dataset, split, workdir, tag, metric, seed, args.budget, args.flaml_python,
                       args.kill_after)
        tg_scores, fl_scores = scores(dataset.task, split, tg), scores(dataset.task, split, fl)
        tg_score, fl_score = _num(tg_scores.get(metric)), _num(fl_scores.get(metric))
        ci = (math.nan, math.nan)
        if tg.predictions is not None and fl.predictions is not None:
            ci = paired_bootstrap(metric, dataset.task, split.y_test, tg.predictions, fl.predictions)
        results.append({
            "dataset": dataset.name,
            "description": dataset.description,
            "task": dataset.task,
            "repeat": repeat + 1,
            "seed": seed,
            "rows": split.rows,
            "test_rows": len(split.y_test),
            "metric": metric,
            "greater_is_better": greater,
            "trainguard": tg_score,
            "flaml": fl_score,
            "diff": tg_score - fl_score,
            "diff_ci_low": ci[0],
            "diff_ci_high": ci[1],
            "trainguard_wall_s": tg.wall_s,
            "trainguard_predict_s": tg.predict_s,
            "flaml_wall_s": fl.wall_s,
            "trainguard_model": tg.model,
            "flaml_model": fl.model,
            "trainguard_error": tg.error,
            "flaml_error": fl.error,
            "trainguard_command": shlex.join(["trainguard", "train", split.train_csv.name, *train_args]),
            "trainguard_metrics": tg_scores,
            "flaml_metrics": fl_scores,
            "trainguard_details": tg.details,
            "flaml_details": fl.details,
        })
    return results


def at_least_as_good(a: float, b: float, greater: bool) -> bool:
    if math.isnan(a) or math.isnan(b):
        return False
    return a >= b if greater else a <= b


def verdicts(results: list[dict[str, Any]]) -> dict[str, bool]:
    """Per dataset, trainguard's mean score over the repeats against FLAML's."""
    by_dataset: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_dataset.setdefault(r["dataset"], []).append(r)
    return {
        name: at_least_as_good(statistics.fmean(r["trainguard"] for r in rows),
                               statistics.fmean(r["flaml"] for r in rows), rows[0]["greater_is_better"])
        for name, rows in by_dataset.items()
    }


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _fmt(value: float, signed: bool = False) -> str:
    if value is None or math.isnan(value):
        return "-"
    sign = "+" if signed else ""
    return f"{value:{sign}.2f}" if abs(value) >= 10 else f"{value:{sign}.4f}"


def _seconds(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}"


def _better(r: dict[str, Any]) -> str:
    if math.isnan(r["diff"]):
        return "-"
    if abs(r["diff"]) < 1e-12:
        return "tie"
    return "trainguard" if (r["diff"] > 0) == r["greater_is_better"] else "FLAML"


def main_table(results: list[dict[str, Any]], repeats: int) -> str:
    rows = []
    for r in results:
        row = {
            "dataset": r["dataset"], "task": r["task"], "rows": r["rows"], "test": r["test_rows"],
            "metric": r["metric"], "trainguard": _fmt(r["trainguard"]), "FLAML": _fmt(r["flaml"]),
            "diff": _fmt(r["diff"], signed=True),
            "diff 95% CI": f"[{_fmt(r['diff_ci_low'], True)}, {_fmt(r['diff_ci_high'], True)}]",
            "better": _better(r),
            "tg s": _seconds(r["trainguard_wall_s"]), "FLAML s": _seconds(r["flaml_wall_s"]),
            "tg model": r["trainguard_model"], "FLAML model": r["flaml_model"],
        }
        if repeats > 1:
            row = {"dataset": row.pop("dataset"), "rep": r["repeat"], **row}
        rows.append(row)
    return pd.DataFrame(rows).to_string(index=False)


def other_metrics_table(results: list[dict[str, Any]]) -> str:
    rows = []
    for r in results:
        for name in OTHER_METRICS[r["task"]]:
            rows.append({
                "dataset": r["dataset"], "rep": r["repeat"], "metric": name,
                "trainguard": _fmt(_num(r["trainguard_metrics"].get(name))),
                "FLAML": _fmt(_num(r["flaml_metrics"].get(name))),
            })
    return pd.DataFrame(rows).to_string(index=False)


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _leaderboard_entry(row: dict[str, Any], metric: str) -> str:
    """One candidate of trainguard's leaderboard.csv: its selection score (cross-validated when
    trainguard ran CV) and, where this trainguard records them, its trials and search time."""
    cv, val = _num(row.get(f"cv_{metric}_mean")), _num(row.get(f"val_{metric}"))
    text = f"{row.get('model')} " + (f"cv {_fmt(cv)}" if not math.isnan(cv) else f"val {_fmt(val)}")
    if row.get("n_trials") is not None and not math.isnan(_num(row.get("n_trials"))):
        text += f", {int(row['n_trials'])} trials"
    seconds = [_num(row.get(k)) for k in ("search_seconds", "fit_seconds") if row.get(k) is not None]
    if seconds:
        text += f", {sum(s for s in seconds if not math.isnan(s)):.0f} s"
    if row.get("error"):
        text += f", error: {str(row['error'])[:80]}"
    return text


def details(results: list[dict[str, Any]]) -> list[str]:
    """What each tool chose and how it spent the budget: the material for a diagnosis."""
    lines = []
    for r in results:
        tg, fl = r["trainguard_details"], r["flaml_details"]
        lines.append(f"{r['dataset']} (repeat {r['repeat']}): `{r['trainguard_command']}`")
        if r["trainguard_error"]:
            lines.append(f"  trainguard FAILED: {r['trainguard_error']}")
        else:
            board = "; ".join(_leaderboard_entry(row, r["metric"]) for row in tg.get("leaderboard", []))
            lines.append(f"  trainguard: {r['trainguard_model']} {_short(tg.get('params'))}")
            lines.append(f"  trainguard leaderboard: {board}")
            if tg.get("search"):
                lines.append(f"  trainguard search: {_short(tg['search'], 300)}")
        if r["flaml_error"]:
            lines.append(f"  FLAML FAILED: {r['flaml_error']}")
        else:
            trials = fl["trials_per_learner"]
            losses = {k: round(v, 4) if math.isfinite(v) else None
                      for k, v in fl["best_loss_per_estimator"].items()}
            lines.append(f"  FLAML: {fl['best_estimator']} {_short(fl['best_config'])}")
            lines.append(f"  FLAML search: {sum(trials.values())} trials in {fl['fit_s']:.0f} s "
                         f"({fl['eval_method']}), best found at "
                         f"{_num(fl['time_to_find_best_model_s']):.1f} s; trials per learner "
                         f"{_short(trials, 300)}; best loss per learner {_short(losses, 300)}")
    return lines


def over_budget(results: list[dict[str, Any]], budget: float) -> list[str]:
    """A quality comparison at equal budget means little if one tool took far longer."""
    lines = []
    for tool, key in (("trainguard train", "trainguard_wall_s"), ("FLAML", "flaml_wall_s")):
        over = [f"{r['dataset']} ({r[key]:.0f} s)" for r in results
                if r[key] > OVER_BUDGET_FACTOR * budget + OVER_BUDGET_SLACK_S]
        if over:
            lines.append(f"OVER BUDGET: {tool} took more than {OVER_BUDGET_FACTOR:g} x {budget:g} s + "
                         f"{OVER_BUDGET_SLACK_S:g} s on: {', '.join(over)}")
    return lines


def write_results(path: Path, results: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(results)
    for column in ("trainguard_metrics", "flaml_metrics", "trainguard_details", "flaml_details"):
        frame[column] = frame[column].map(lambda v: json.dumps(v, default=str))
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare the test quality of `trainguard train --budget` and FLAML AutoML "
                    "with the same time budget on bundled real datasets.")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                        help="seconds for each tool per dataset (default: %(default)g)")
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                        help=f"comma-separated (default: %(default)s; also: "
                             f"{', '.join(n for n in DATASETS if n not in DEFAULT_DATASETS)})")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each tool per dataset on the same split, seeds 42, 43, ... "
                             "(default: %(default)s)")
    parser.add_argument("--out", type=Path, help="write every result (all metrics, choices) to this CSV")
    parser.add_argument("--flaml-python", default=DEFAULT_FLAML_PYTHON,
                        help="Python of the environment with FLAML (default: %(default)s)")
    parser.add_argument("--kill-after", type=float,
                        help="seconds after which a tool's process is killed and the dataset counted "
                             "as its loss (default: 5 x budget + 120)")
    parser.add_argument("--trainguard", default="",
                        help="command that runs trainguard (default: the console script beside this "
                             "Python), e.g. \"env PYTHONPATH=/tmp/other/src .venv/bin/python -m trainguard\"")
    parser.add_argument("--trainguard-args", default="",
                        help="extra options for `trainguard train`, e.g. \"--cv 5\" (quoted)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        parser.error(f"unknown dataset(s): {', '.join(unknown)}; choose from {', '.join(DATASETS)}")
    args.datasets = list(dict.fromkeys(names))
    if args.budget <= 0:
        parser.error("--budget must be above 0 seconds")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not Path(args.flaml_python).is_file():
        parser.error(f"no Python at {args.flaml_python}: build the FLAML environment "
                     f"(python3.11 -m venv /tmp/flaml-venv && /tmp/flaml-venv/bin/pip install -r "
                     f"benchmarks/requirements-flaml.txt) or pass --flaml-python")
    args.trainguard_args = shlex.split(args.trainguard_args)
    args.trainguard = shlex.split(args.trainguard) or trainguard_command()
    if args.kill_after is None:
        args.kill_after = 5 * args.budget + 120
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = train_options(args.trainguard)
    mode = (f"trainguard train --budget {args.budget:g}s" if "--budget" in options else
            "trainguard train WITHOUT --budget (this trainguard has no --budget option: its fixed "
            "candidate list ran, untimed)")
    print(f"mode: {mode}; FLAML time_budget={args.budget:g}", file=sys.stderr)
    version, load_before = source_version(), _load_average()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="trainguard-qab-") as tmp:
        for name in args.datasets:
            rows = benchmark(DATASETS[name], Path(tmp), args, options)
            results += rows
            # As each dataset ends, so that a run stopped half-way still has its results.
            print(main_table(rows, args.repeats), file=sys.stderr)
            if args.out:
                write_results(args.out, results)
    load_after = _load_average()

    print(main_table(results, args.repeats))
    print()
    print(other_metrics_table(results))
    print()
    print(f"Mode: {mode}. FLAML {results[0]['flaml_details'].get('flaml_version', '?')}: "
          f"AutoML(time_budget={args.budget:g}, metric=<same as trainguard's>, seed=<seed>).")
    print(f"Split: one seeded {1 - TEST_SIZE:.0%}/{TEST_SIZE:.0%} train/test split per dataset "
          f"(stratified for classification, seed {SEED}); both tools fit on the same training rows "
          f"and predict the same test rows; diff = trainguard - FLAML (for rmse, lower is better); "
          f"95% CI: paired bootstrap over the test rows. Times: wall seconds of whole processes "
          f"(tg s: `trainguard train`, start-up to saved run; FLAML s: the worker, start-up to "
          f"saved predictions).")
    print(f"Code: {version}. Machine: {os.cpu_count()} CPUs, 1-minute load average {load_before} "
          f"at the start, {load_after} at the end.")
    print()
    for line in details(results):
        print(line)
    print()
    for line in over_budget(results, args.budget):
        print(line)
    wins = verdicts(results)
    print(f"trainguard >= FLAML on {sum(wins.values())} of {len(wins)} datasets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
