"""`trainguard lint` run as a user runs it: a subprocess over real files, notebooks and folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainguard.cli.app import cli

FIXTURES = Path(__file__).resolve().parents[1] / "lint" / "fixtures"

# The parts of the official SARIF 2.1.0 schema (oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json)
# that a code-scanning upload depends on: required members, types, enums and the closed objects where a
# misspelt member would be silently ignored. The full schema is ~110 kB and is not shipped offline.
_MESSAGE = {
    "type": "object",
    "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
    "properties": {"text": {"type": "string"}, "markdown": {"type": "string"}, "id": {"type": "string"}},
}
_REGION = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "startLine": {"type": "integer", "minimum": 1},
        "startColumn": {"type": "integer", "minimum": 1},
    },
}
_PHYSICAL = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "artifactLocation": {
            "type": "object",
            "required": ["uri"],
            "additionalProperties": False,
            "properties": {"uri": {"type": "string"}},
        },
        "region": _REGION,
    },
}
SARIF_SCHEMA = {
    "type": "object",
    "required": ["version", "runs"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "informationUri": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                                "fullDescription": _MESSAGE,
                                                "help": _MESSAGE,
                                                "helpUri": {"type": "string"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": ["none", "note", "warning", "error"]
                                                        }
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "additionalProperties": False,
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {"physicalLocation": _PHYSICAL},
                                    },
                                },
                                "relatedLocations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "id": {"type": "integer", "minimum": -1},
                                            "physicalLocation": _PHYSICAL,
                                            "message": _MESSAGE,
                                        },
                                    },
                                },
                                "properties": {"type": "object"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def lint(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "trainguard", "lint", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def lint_in_process(*args, cwd, monkeypatch):
    """The same click command in this process: for option combinations, where a new interpreter per case
    (several seconds of imports each) would only repeat what the subprocess tests already cover."""
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(cli, ["lint", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def project(tmp_path):
    """A small repository: leaky script and notebook, a clean script, a nested folder, a broken file."""
    shutil.copy(FIXTURES / "TG104" / "flagged_smote.py", tmp_path / "smote.py")
    shutil.copy(FIXTURES / "TG101" / "flagged_notebook.ipynb", tmp_path / "explore.ipynb")
    shutil.copy(FIXTURES / "TG101" / "clean_fit_after_split.py", tmp_path / "good.py")
    (tmp_path / "models").mkdir()
    shutil.copy(FIXTURES / "TG202" / "flagged_loop_best.py", tmp_path / "models" / "knn.py")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "ignored.py").write_text("x = (\n")  # virtual environments are skipped
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    return tmp_path


def test_text_output_over_a_folder(project):
    result = lint(".", cwd=project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "broken.py:1:7: TG000 cannot parse: invalid syntax; the file was not checked." in lines
    assert (
        "explore.ipynb:cell 3:3:5: TG106 OneHotEncoder learns the list of categories from all rows "
        "(split at cell 4, line 1)." in lines
    )
    assert "models/knn.py:11:11: TG202 a test-set score is used to choose (compared at line 12)." in lines
    assert "smote.py:9:16: TG104 SMOTE resamples all rows (split at line 10)." in lines
    assert not any(line.startswith(("good.py", ".venv")) for line in lines)
    # a %%time cell is still Python
    assert "explore.ipynb:cell 5:3:5: TG101 PCA is fit on all rows (split at cell 5, line 4)." in lines
    assert lines[-1].startswith("Found 5 findings in 5 files.")


def test_json_output_and_output_file(project, monkeypatch):
    result = lint_in_process(
        ".", "--format", "json", "-o", "report.json", cwd=project, monkeypatch=monkeypatch
    )
    assert result.exit_code == 1 and result.output == ""
    findings = json.loads((project / "report.json").read_text())
    assert not list(project.glob(".report.json.*"))  # written under a temporary name, then renamed
    by_code = {f["code"]: f for f in findings}
    assert sorted(f["code"] for f in findings) == ["TG000", "TG101", "TG104", "TG106", "TG202"]
    nb = next(f for f in findings if f["code"] == "TG106")
    assert (nb["path"], nb["cell"], nb["line"], nb["column"], nb["severity"]) == (
        "explore.ipynb",
        3,
        3,
        5,
        "info",
    )
    assert nb["related"] == [{"line": 1, "cell": 4, "what": "split"}]
    assert "cell" not in by_code["TG104"]
    for finding in findings:
        assert {"path", "line", "column", "code", "severity", "message"} <= set(finding)


def test_sarif_output_is_valid_sarif_2_1_0(project):
    jsonschema = pytest.importorskip("jsonschema")
    result = lint(".", "--format", "sarif", cwd=project)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.validate(log, SARIF_SCHEMA)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == 5
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
    nb = next(r for r in results if r["ruleId"] == "TG106")  # in cell 3
    assert nb["properties"] == {"cell": 3} and nb["level"] == "note"
    assert nb["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "explore.ipynb"


def test_suppressions_and_fail_on(tmp_path):
    source = (FIXTURES / "TG501" / "flagged_unseeded_split.py").read_text().splitlines()
    source[6] += "  # trainguard: ignore[TG501]"  # the train_test_split line
    (tmp_path / "split.py").write_text("\n".join(source) + "\n")
    result = lint("split.py", "--format", "json", "--fail-on", "error", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # two warnings left; warnings do not fail at --fail-on error
    assert [(f["code"], f["line"]) for f in json.loads(result.stdout)] == [("TG501", 8), ("TG501", 9)]


def test_select_ignore_and_explain(tmp_path, monkeypatch):
    shutil.copy(FIXTURES / "TG501" / "flagged_unseeded_split.py", tmp_path / "split.py")
    result = lint_in_process("split.py", "--ignore", "TG5", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 0 and result.output.startswith("All checks passed")
    result = lint_in_process(
        "split.py", "--select", "TG501", "--fail-on", "warning", cwd=tmp_path, monkeypatch=monkeypatch
    )
    assert result.exit_code == 1 and result.output.count("TG501") == 3
    result = lint_in_process("--explain", "tg203", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 0
    assert result.output.startswith("TG203 early-stopping-on-test (error)") and "Fix:" in result.output
    result = lint_in_process(".", "--select", "TG999", cwd=tmp_path, monkeypatch=monkeypatch)
    assert result.exit_code == 2 and "unknown rule code TG999" in result.output


def test_usage_errors_exit_2_with_one_line(tmp_path):
    result = lint("missing_dir", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr.strip()
        == "error: missing_dir: no such file or folder. Fix: check the path and try again."
    )
