"""End-to-end: bad input gets one short line, exit code 2, no traceback and no run folder.

The promise (see ``trainguard.errors`` and the CLI docstring): a problem with the user's input is
reported as ONE line on stderr starting with ``error:`` that says what happened, where (a file, a
column, an option) and the fix (``Fix: ...``); the exit code is 2; no traceback unless ``--debug``
is given; and nothing is left behind: no run folder, no ``runs/`` folder, no ``.partial`` temp
folder. Every test runs the real command line in a subprocess, in a fresh working folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

EXIT_USAGE = 2
TRAIN_OPTIONS = (
    "--target", "--split", "--group", "--time", "--seed", "--categorical", "--drop", "--id",
    "--models", "--no-refit", "--out", "--quiet", "--json", "--debug", "--task", "--metric",
)
PREDICT_OPTIONS = ("--output", "--proba", "--quiet", "--debug")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trainguard", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def snapshot(root: Path) -> dict[str, tuple[int, int] | None]:
    """Every path under root (hidden ones included), with size and mtime for files."""
    state: dict[str, tuple[int, int] | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        state[rel] = (path.stat().st_size, path.stat().st_mtime_ns) if path.is_file() else None
    return state


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return (f"\n$ trainguard {' '.join(result.args[3:])}\nexit {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}")


def assert_bad_input(
    result: subprocess.CompletedProcess[str],
    cwd: Path,
    before: dict[str, tuple[int, int] | None],
    *keywords: str,
) -> None:
    """The whole promise for one bad input; every broken part is reported at once.

    ``keywords`` (case-sensitive) name the cause and where it is: a file, a column, an option.
    """
    problems = []
    if result.returncode != EXIT_USAGE:
        problems.append(f"exit code {result.returncode}, not 2")
    if "Traceback" in result.stderr:
        problems.append("traceback shown without --debug")
    lines = result.stderr.strip().splitlines()
    line = lines[0] if lines else ""
    if len(lines) != 1:
        problems.append(f"stderr has {len(lines)} lines, not 1")
    if not line.startswith("error:"):
        problems.append("stderr does not start with 'error:'")
    if "Fix:" not in line:
        problems.append("no 'Fix:' in the error line")
    problems += [f"{word!r} not in the error line" for word in keywords if word not in line]
    if result.stdout != "":
        problems.append("stdout is not empty")
    after = snapshot(cwd)
    if (cwd / "runs").exists():
        problems.append("a runs/ folder was left behind")
    new = sorted(set(after) - set(before))
    if new:
        problems.append(f"paths left behind: {new}")
    changed = sorted(p for p in before if after.get(p) != before[p])
    if changed:
        problems.append(f"existing paths changed or removed: {changed}")
    assert not problems, "; ".join(problems) + describe(result)


def binary_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: rng.normal(size=n).round(4) for name in ("a", "b", "c")})
    frame["y"] = (frame["a"] + rng.normal(scale=0.5, size=n) > 0).astype(int)
    return frame


def write_good(folder: Path, name: str = "data.csv", n: int = 40) -> Path:
    path = folder / name
    binary_frame(n).to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------------------------
# train: bad input files and bad options
# --------------------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    args: tuple[str, ...]
    keywords: tuple[str, ...]
    setup: Callable[[Path], object] = field(default=write_good)


def _text(name: str, content: str) -> Callable[[Path], object]:
    return lambda folder: (folder / name).write_text(content, encoding="utf-8")


def _garbage(folder: Path) -> None:
    data = np.random.default_rng(7).integers(0, 256, size=4096, dtype=np.uint8).tobytes()
    (folder / "garbage.csv").write_bytes(data)


def _small(folder: Path) -> None:
    binary_frame(6).to_csv(folder / "small.csv", index=False)


def _rare_class(folder: Path) -> None:
    rng = np.random.default_rng(1)
    species = ["adelie"] * 15 + ["gentoo"] * 14 + ["chinstrap"]
    pd.DataFrame({"x": rng.normal(size=30).round(3), "z": rng.normal(size=30).round(3),
                  "species": species}).to_csv(folder / "rare.csv", index=False)


def _target_all_missing(folder: Path) -> None:
    frame = binary_frame(30)
    frame["y"] = np.nan
    frame.to_csv(folder / "nolabels.csv", index=False)


def _target_constant(folder: Path) -> None:
    frame = binary_frame(30)
    frame["y"] = 1
    frame.to_csv(folder / "constant.csv", index=False)


def _bad_time(folder: Path) -> None:
    frame = binary_frame(40)
    frame["when"] = ["soon", "later", "never", "someday"] * 10
    frame.to_csv(folder / "timed.csv", index=False)


def _churn(folder: Path) -> None:
    binary_frame(40).rename(columns={"y": "churned"}).to_csv(folder / "customers.csv", index=False)


TRAIN_CASES = [
    # 1. paths
    Case("missing-file-near-miss", ("train", "dta.csv", "--target", "y"),
         ("dta.csv", "not found", "data.csv")),
    Case("missing-file-and-folder", ("train", "nowhere/data.csv", "--target", "y"),
         ("nowhere", "not found")),
    # 2-6. unreadable files
    Case("empty-file", ("train", "empty.csv", "--target", "y"), ("empty.csv", "empty"),
         _text("empty.csv", "")),
    Case("header-only", ("train", "header.csv", "--target", "y"), ("header.csv", "no data rows"),
         _text("header.csv", "a,b,y\n")),
    Case("binary-garbage", ("train", "garbage.csv", "--target", "y"), ("garbage.csv", "binary"),
         _garbage),
    Case("unsupported-extension", ("train", "data.txt", "--target", "y"),
         ("data.txt", "unsupported", ".txt", ".csv"),
         _text("data.txt", "a,b,y\n1,2,0\n3,4,1\n")),
    Case("json-scalar", ("train", "scalar.json", "--target", "y"), ("scalar.json", "JSON", "table"),
         _text("scalar.json", "42")),
    Case("json-nested-object", ("train", "nested.json", "--target", "y"),
         ("nested.json", "JSON"), _text("nested.json", '{"a": {"b": 1}}')),
    Case("json-array-of-values", ("train", "values.json", "--target", "y"),
         ("values.json", "JSON"), _text("values.json", "[1, 2, 3]")),
    # 7-9. the target column
    Case("target-missing-suggests", ("train", "customers.csv", "--target", "churn"),
         ("customers.csv", "'churn'", "not in the data", "churned"), _churn),
    Case("target-all-missing", ("train", "nolabels.csv", "--target", "y"),
         ("nolabels.csv", "'y'", "missing"), _target_all_missing),
    Case("target-constant", ("train", "constant.csv", "--target", "y"),
         ("constant.csv", "'y'", "single value"), _target_constant),
    # 11. too little data for the split
    Case("too-few-rows", ("train", "small.csv", "--target", "y", "--models", "linear"),
         ("small.csv", "too few rows", "6"), _small),
    Case("class-too-rare-to-stratify",
         ("train", "rare.csv", "--target", "species", "--models", "linear"),
         ("'species'", "'chinstrap'", "1 row"), _rare_class),
    # 12. header
    Case("duplicate-column-names", ("train", "dups.csv", "--target", "y"),
         ("dups.csv", "duplicate", "'a'"),
         _text("dups.csv", "a,b,a,y\n" + "".join(f"{i},{i + 1},{i + 2},{i % 2}\n" for i in range(20)))),
    # 13. --time
    Case("time-column-not-time",
         ("train", "timed.csv", "--target", "y", "--time", "when", "--models", "linear"),
         ("--time", "'when'", "time"), _bad_time),
    # 14. --split
    Case("split-two-numbers",
         ("train", "data.csv", "--target", "y", "--split", "0.5,0.5", "--models", "linear"),
         ("--split", "0.5,0.5", "3")),
    Case("split-sum-not-one",
         ("train", "data.csv", "--target", "y", "--split", "0.8,0.3,0.1", "--models", "linear"),
         ("--split", "sum")),
    # 15. --metric
    Case("metric-unknown",
         ("train", "data.csv", "--target", "y", "--metric", "accuracyy", "--models", "linear"),
         ("--metric", "accuracyy", "unknown")),
    Case("metric-wrong-task",
         ("train", "data.csv", "--target", "y", "--metric", "rmse", "--models", "linear"),
         ("--metric", "rmse", "binary")),
    # 17. --drop
    Case("drop-unknown-column",
         ("train", "data.csv", "--target", "y", "--drop", "zzz", "--models", "linear"),
         ("--drop", "'zzz'", "not in the data")),
]


@pytest.mark.parametrize("case", TRAIN_CASES, ids=[c.id for c in TRAIN_CASES])
def test_train_bad_input(tmp_path: Path, case: Case) -> None:
    case.setup(tmp_path)
    before = snapshot(tmp_path)
    result = run_cli(tmp_path, *case.args)
    assert_bad_input(result, tmp_path, before, *case.keywords)


def test_train_out_existing_folder_is_refused_and_left_untouched(tmp_path: Path) -> None:
    write_good(tmp_path)
    old = tmp_path / "run"
    old.mkdir()
    (old / "manifest.json").write_text('{"old": true}\n', encoding="utf-8")
    (old / "notes.txt").write_text("keep me\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_cli(tmp_path, "train", "data.csv", "--target", "y", "--models", "linear",
                     "--out", "run")
    assert_bad_input(result, tmp_path, before, "run", "already exists", "--out")
    assert (old / "manifest.json").read_text(encoding="utf-8") == '{"old": true}\n'
    assert (old / "notes.txt").read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in old.iterdir()) == ["manifest.json", "notes.txt"]


@pytest.mark.parametrize("family", ["xgboost", "catboost"])
def test_an_optional_family_whose_package_is_missing_names_the_extra_to_install(
    tmp_path: Path, family: str
) -> None:
    # The package is hidden from this one process (a user without the extra), then the real CLI runs.
    write_good(tmp_path)
    before = snapshot(tmp_path)
    hide = f"import sys, runpy; sys.modules[{family!r}] = None; sys.argv[0] = 'trainguard'; "
    hide += "runpy.run_module('trainguard', run_name='__main__')"
    result = subprocess.run(
        [sys.executable, "-c", hide, "train", "data.csv", "--target", "y", "--models", family],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert_bad_input(result, tmp_path, before, family, "not installed", f"trainguard[{family}]")


# --------------------------------------------------------------------------------------------
# 10. rows without a target are dropped with a count, not refused
# --------------------------------------------------------------------------------------------


def test_rows_with_missing_target_are_dropped_and_counted(tmp_path: Path) -> None:
    frame = binary_frame(200, seed=3).astype({"y": "float"})
    frame.loc[[3, 17, 50, 99, 150], "y"] = np.nan
    frame.to_csv(tmp_path / "data.csv", index=False)
    result = run_cli(tmp_path, "train", "data.csv", "--target", "y", "--models", "linear",
                     "--out", "run")
    info = describe(result)
    assert result.returncode == 0, info
    assert "Traceback" not in result.stderr, info
    run = tmp_path / "run"
    assert (run / "manifest.json").is_file(), info
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data"]["rows_dropped_missing_target"] == 5
    assert manifest["data"]["rows_read"] == 200
    assert manifest["data"]["rows_used"] == 195
    output = result.stdout + result.stderr
    assert "5 row(s) have no value in target 'y'" in output, info
    assert not (tmp_path / "runs").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


# --------------------------------------------------------------------------------------------
# 18. --debug shows the traceback but keeps exit code 2 and leaves nothing behind
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "keyword"),
    [
        (("train", "data.csv", "--target", "churn"), "not in the data"),
        (("train", "data.csv", "--target", "y", "--split", "0.8,0.3,0.1", "--models", "linear"),
         "--split"),
    ],
    ids=["data-error", "option-error"],
)
def test_debug_shows_traceback_and_still_exits_2(
    tmp_path: Path, args: tuple[str, ...], keyword: str
) -> None:
    write_good(tmp_path)
    before = snapshot(tmp_path)
    result = run_cli(tmp_path, *args, "--debug")
    info = describe(result)
    assert result.returncode == EXIT_USAGE, info
    assert "Traceback" in result.stderr, info
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and "Fix:" in last and keyword in last, info
    assert snapshot(tmp_path) == before, info


# --------------------------------------------------------------------------------------------
# 19. predict
# --------------------------------------------------------------------------------------------


def predict_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "age": rng.normal(size=n).round(4),
        "income": rng.normal(size=n).round(4),
        "color": rng.choice(["red", "green", "blue"], size=n),
    })
    frame["y"] = (frame["age"] + (frame["color"] == "red") + rng.normal(scale=0.5, size=n) > 0.5)
    frame["y"] = frame["y"].map({True: "yes", False: "no"})
    return frame


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("trained")
    predict_frame(120, seed=5).to_csv(folder / "train.csv", index=False)
    result = run_cli(folder, "train", "train.csv", "--target", "y", "--models", "linear",
                     "--out", "run", "--quiet")
    assert result.returncode == 0, describe(result)
    assert (folder / "run" / "manifest.json").is_file(), describe(result)
    return folder / "run"


def _new_data(tmp_path: Path, frame: pd.DataFrame, name: str = "new.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_predict_folder_that_is_not_a_run(tmp_path: Path) -> None:
    (tmp_path / "notarun").mkdir()
    _new_data(tmp_path, predict_frame(10, seed=6).drop(columns="y"))
    before = snapshot(tmp_path)
    result = run_cli(tmp_path, "predict", "notarun", "new.csv")
    assert_bad_input(result, tmp_path, before, "notarun", "not a trainguard run")


def test_predict_run_path_that_does_not_exist(tmp_path: Path) -> None:
    _new_data(tmp_path, predict_frame(10, seed=6).drop(columns="y"))
    before = snapshot(tmp_path)
    result = run_cli(tmp_path, "predict", "no-such-run", "new.csv")
    assert_bad_input(result, tmp_path, before, "no-such-run")


def test_predict_new_data_missing_a_model_column(tmp_path: Path, trained_run: Path) -> None:
    _new_data(tmp_path, predict_frame(10, seed=6).drop(columns=["y", "income"]))
    before = snapshot(tmp_path)
    result = run_cli(tmp_path, "predict", str(trained_run), "new.csv")
    assert_bad_input(result, tmp_path, before, "new.csv", "missing", "income")


def test_predict_value_not_of_the_trained_type(tmp_path: Path, trained_run: Path) -> None:
    frame = predict_frame(10, seed=6).drop(columns="y").astype({"age": object})
    frame.loc[4, "age"] = "abc"
    _new_data(tmp_path, frame)
    before = snapshot(tmp_path)
    result = run_cli(tmp_path, "predict", str(trained_run), "new.csv")
    assert_bad_input(result, tmp_path, before, "'age'", "abc")


def _predictions(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stdout.strip().splitlines()


def test_predict_extra_column_warns_and_succeeds(tmp_path: Path, trained_run: Path) -> None:
    frame = predict_frame(10, seed=6).drop(columns="y")
    frame["surprise_col"] = range(10)
    _new_data(tmp_path, frame)
    result = run_cli(tmp_path, "predict", str(trained_run), "new.csv")
    info = describe(result)
    assert result.returncode == 0, info
    assert "Traceback" not in result.stderr, info
    assert "warning" in result.stderr.lower() and "surprise_col" in result.stderr, info
    lines = _predictions(result)
    assert lines[0] == "prediction" and len(lines) == 11, info


def test_predict_unseen_category_warns_with_a_row_count(tmp_path: Path, trained_run: Path) -> None:
    frame = predict_frame(10, seed=6).drop(columns="y")
    frame.loc[[1, 4, 7], "color"] = "purple"
    _new_data(tmp_path, frame)
    result = run_cli(tmp_path, "predict", str(trained_run), "new.csv")
    info = describe(result)
    assert result.returncode == 0, info
    assert "Traceback" not in result.stderr, info
    warning = result.stderr.lower()
    assert "warning" in warning and "color" in warning and "purple" in warning, info
    assert "3 row" in warning, info
    lines = _predictions(result)
    assert lines[0] == "prediction" and len(lines) == 11, info


# --------------------------------------------------------------------------------------------
# help
# --------------------------------------------------------------------------------------------


def test_top_level_help(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--help")
    assert result.returncode == 0, describe(result)
    assert "train" in result.stdout and "predict" in result.stdout, describe(result)
    assert list(tmp_path.iterdir()) == []


def test_train_help_lists_every_option(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "train", "--help")
    assert result.returncode == 0, describe(result)
    missing = [option for option in TRAIN_OPTIONS if option not in result.stdout]
    assert not missing, f"train --help does not mention {missing}{describe(result)}"
    assert list(tmp_path.iterdir()) == []


def test_predict_help_lists_every_option(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "predict", "--help")
    assert result.returncode == 0, describe(result)
    missing = [option for option in PREDICT_OPTIONS if option not in result.stdout]
    assert not missing, f"predict --help does not mention {missing}{describe(result)}"


def test_console_script_is_installed_and_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("trainguard")
    assert script.is_file(), f"no console script at {script}"
    result = subprocess.run([str(script), "train", "--help"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "--target" in result.stdout
