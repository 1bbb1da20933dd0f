"""`trainguard train` then `trainguard predict`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from datagen import make_table
from trainguard.datasets import path as dataset_path


def trainguard(*args, cwd, check=True):
    result = subprocess.run([sys.executable, "-m", "trainguard", *map(str, args)], cwd=cwd,
                            capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_train_then_predict_on_the_bundled_penguins(tmp_path):
    data = dataset_path("penguins")
    result = trainguard("train", data, "--target", "species", cwd=tmp_path)
    out = result.stdout
    # What a user must see: the roles, the split, the leaderboard, the one-time test score.
    for expected in ("island", "categorical", "stratified split: train 240", "Leaderboard",
                     "lightgbm", "extra_trees", "random_forest", "linear", "baseline",
                     "Test f1_macro", "sealed test set, used once", "Run saved to"):
        assert expected in out, expected
    [run] = list((tmp_path / "runs").iterdir())
    assert run.name.startswith("penguins-")
    new = pd.read_csv(data).drop(columns="species").sample(frac=1, random_state=3)
    new.to_csv(tmp_path / "new.csv", index=False)
    trainguard("predict", run, "new.csv", "-o", "preds.csv", "--proba", cwd=tmp_path)
    preds = pd.read_csv(tmp_path / "preds.csv")
    assert len(preds) == len(new)
    assert list(preds.columns) == ["prediction", "proba_Adelie", "proba_Chinstrap", "proba_Gentoo"]
    np.testing.assert_allclose(preds.filter(like="proba_").sum(axis=1), 1.0)
    # Row order is the input's: the same rows predicted in another order line up again.
    truth = pd.read_csv(data).loc[new.index, "species"].to_numpy()
    assert (preds.prediction.to_numpy() == truth).mean() > 0.9


def test_json_summary_is_the_only_stdout(binary_csv, tmp_path):
    result = trainguard("train", binary_csv, "-t", "churned", "--json", "--out", "run",
                        "--models", "linear,gradient_boosting", cwd=tmp_path)
    summary = json.loads(result.stdout)
    assert summary["task"] == "binary" and summary["metric"] == "roc_auc"
    assert summary["model"] in {"linear", "gradient_boosting"}
    assert [row["model"] for row in summary["leaderboard"]].count("baseline") == 1
    assert summary["test"]["metrics"]["roc_auc"] > summary["baseline"]["metrics"]["roc_auc"]
    assert summary["split"] == {"train": 210, "val": 45, "test": 45}


def test_quiet_regression_with_time_split_and_id_column(regression_csv, tmp_path):
    result = trainguard("train", regression_csv, "-t", "churned", "--time", "signup",
                        "--id", "customer_id", "--quiet", "--out", "run", cwd=tmp_path)
    line = result.stdout.strip()
    assert line.count("\n") == 0 and "test rmse=" in line
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["split"]["strategy"] == "time"
    new = make_table("regression").drop(columns="churned").head(25)
    new.to_csv(tmp_path / "new.csv", index=False)
    result = trainguard("predict", "run", "new.csv", cwd=tmp_path)
    preds = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert list(preds.columns) == ["customer_id", "prediction"]
    assert preds.customer_id.tolist() == new.customer_id.tolist()


def test_group_split_and_no_refit(binary_csv, tmp_path):
    trainguard("train", binary_csv, "-t", "churned", "--group", "household", "--no-refit",
               "--models", "random_forest", "--seed", "3", "--split", "60,20,20", "--out", "run",
               "-q", cwd=tmp_path)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["split"]["strategy"] == "group" and manifest["model"]["fit_on"] == "train"
    assert manifest["config"]["seed"] == 3 and manifest["split"]["fractions"]["train"] == 0.6


@pytest.mark.parametrize("suffix", [".parquet", ".feather", ".jsonl", ".tsv"])
def test_other_formats_train_the_same_as_csv(tmp_path, suffix):
    frame = make_table("binary", n=200)
    path = tmp_path / f"churn{suffix}"
    {".parquet": frame.to_parquet, ".feather": frame.to_feather,
     ".jsonl": lambda p: frame.to_json(p, orient="records", lines=True),
     ".tsv": lambda p: frame.to_csv(p, sep="\t", index=False)}[suffix](path)
    frame.to_csv(tmp_path / "churn.csv", index=False)
    for name in (path.name, "churn.csv"):
        trainguard("train", name, "-t", "churned", "--models", "linear", "-q",
                   "--out", f"run-{name}", cwd=tmp_path)
    metrics = [json.loads((tmp_path / f"run-{n}" / "metrics.json").read_text())["test"]
               for n in (path.name, "churn.csv")]
    assert metrics[0] == metrics[1]


def test_python_module_and_console_script_agree(tmp_path):
    version = trainguard("--version", cwd=tmp_path).stdout
    assert version.startswith("trainguard, version ")


def test_user_text_in_brackets_is_printed_verbatim(tmp_path):
    # Column names and messages are user data, never rich markup: "[y]" must survive intact.
    pd.DataFrame({"[x]": range(40), "[y]": [0, 1] * 20}).to_csv(tmp_path / "b.csv", index=False)
    result = trainguard("train", "b.csv", "--target", "[z]", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "'[z]'" in result.stderr and "--target [y]" in result.stderr


def test_tensorboard_gets_the_network_candidates_curves(binary_csv, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    result = trainguard("train", binary_csv, "-t", "churned", "--models", "mlp", "--trials", "1",
                        "--cv", "0", "--out", "run", "--tensorboard", "tb", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    runs = sorted(p.name for p in (tmp_path / "tb" / "mlp").iterdir())
    assert "refit" in runs and any(name.startswith("fit-") for name in runs), runs
    events = EventAccumulator(str(tmp_path / "tb" / "mlp" / "refit")).Reload()
    tags = events.Tags()["scalars"]
    assert any(tag.startswith("epoch/loss") for tag in tags), tags
    assert not list((tmp_path / "run").rglob("events.out.tfevents*"))  # nothing in the run folder


def test_predict_writes_a_file_larger_than_one_chunk_as_one_call_would(binary_csv, tmp_path):
    from trainguard.data.validate import check_new_data
    from trainguard.track.run import PREDICT_CHUNK_ROWS, Run

    trainguard("train", binary_csv, "-t", "churned", "--models", "linear", "--id", "customer_id",
               "--no-track", "--quiet", "--out", "run", cwd=tmp_path)
    rows = PREDICT_CHUNK_ROWS * 2 + 123
    new = make_table("binary", n=rows, seed=5).drop(columns="churned")
    new.to_csv(tmp_path / "new.csv", index=False)
    trainguard("predict", "run", "new.csv", "--proba", "-o", "preds.csv", cwd=tmp_path)
    run = Run.load(tmp_path / "run")
    # The reference: the whole file checked and scored in one call, as predict did before chunks.
    features, _ = check_new_data(pd.read_csv(tmp_path / "new.csv"), run.schema, target="churned",
                                 where="new.csv")
    expected = new[["customer_id"]].assign(prediction=run.model.predict(features))
    for i, label in enumerate(run.model.classes_):
        expected[f"proba_{label}"] = run.model.predict_proba(features)[:, i]
    expected.to_csv(tmp_path / "expected.csv", index=False)
    assert (tmp_path / "preds.csv").read_text() == (tmp_path / "expected.csv").read_text()

    # A bad value in the last chunk: a one-line error, and neither the file nor a partial one.
    new.astype({"tenure": object}).assign(tenure=lambda f: f.tenure.where(f.index < rows - 1, "abc")) \
        .to_csv(tmp_path / "bad.csv", index=False)
    result = trainguard("predict", "run", "bad.csv", "-o", "bad_preds.csv", cwd=tmp_path, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "column 'tenure': 1 value(s) cannot be read as numbers" in result.stderr
    assert not list(tmp_path.glob("*bad_preds*"))
