"""The workflow through the Python API: the properties that make its scores trustworthy."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import trainguard
from datagen import make_table
from trainguard.datasets import path as dataset_path
from trainguard.evaluate.sealed import SealedTestSet, TestSetAlreadyUsedError

FAST = ["linear"]
# One trial per family scored on the validation rows: these tests are about the workflow, not the
# search (tests/search runs the search's real defaults).
QUICK = {"cv": 0, "trials": 1}


def _numeric_frame(n=200, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(10, 3, n), "b": rng.exponential(5, n)})
    frame["y"] = (frame.a + rng.normal(0, 1, n) > 10).astype(int)
    return frame


def _scaler_mean(run):
    numeric = run.model.named_steps["preprocess"].named_transformers_["num"]
    return numeric.named_steps["standardscaler"].mean_


def _rows(run, *parts):
    split = pd.read_csv(run.path / "split.csv")
    return split.loc[split.part.isin(parts), "row"].to_numpy()


def test_preprocessing_is_fit_on_training_rows_only(tmp_path):
    frame = _numeric_frame()
    run = trainguard.train(frame, "y", models=FAST, refit=False, out=tmp_path / "r")
    train_rows = frame.iloc[_rows(run, "train")][["a", "b"]]
    np.testing.assert_allclose(_scaler_mean(run), train_rows.mean().to_numpy())
    assert not np.allclose(_scaler_mean(run), frame[["a", "b"]].mean().to_numpy())


def test_refit_uses_train_and_validation_rows_but_never_test(tmp_path):
    frame = _numeric_frame()
    run = trainguard.train(frame, "y", models=FAST, out=tmp_path / "r")
    seen = frame.iloc[_rows(run, "train", "val")][["a", "b"]]
    np.testing.assert_allclose(_scaler_mean(run), seen.mean().to_numpy())
    assert run.manifest["model"]["fit_on"] == "train+val"


def test_same_seed_same_run_and_other_seed_other_split(tmp_path):
    frame = make_table("binary")
    # A real (small) search, so the seeded samplers and folds are part of what must repeat.
    search = {"cv": 3, "trials": 2, "models": ["linear", "random_forest", "gradient_boosting"]}
    runs = [trainguard.train(frame, "churned", out=tmp_path / f"r{i}", seed=7, **search) for i in range(2)]
    # Of the other seed's run only the split is compared, and the split is drawn before the search:
    # one trial of one family shows it.
    other = trainguard.train(frame, "churned", out=tmp_path / "other", seed=8, models=FAST, **QUICK)
    first, second = (r.path for r in runs)
    assert (first / "split.csv").read_text() == (second / "split.csv").read_text()
    assert (first / "split.csv").read_text() != (other.path / "split.csv").read_text()
    columns = ["model", "val_roc_auc", "train_roc_auc", "params"]
    pd.testing.assert_frame_equal(runs[0].leaderboard[columns], runs[1].leaderboard[columns])
    assert json.loads((first / "metrics.json").read_text())["test"] == json.loads(
        (second / "metrics.json").read_text())["test"]


def test_run_folder_has_everything_needed_to_repeat_and_reuse(tmp_path):
    run = trainguard.train(dataset_path("penguins"), "species", out=tmp_path / "p", **QUICK)
    files = {p.name for p in run.path.iterdir()}
    assert {"manifest.json", "metrics.json", "leaderboard.csv", "split.csv", "model.skops",
            "report.html", "test_predictions.csv", "importance.csv", "diagnosis.json"} <= files
    manifest = json.loads((run.path / "manifest.json").read_text())
    assert manifest["target"] == {"name": "species", "task": "multiclass", "task_reason": "3 labels",
                                  "classes": ["Adelie", "Chinstrap", "Gentoo"]}
    roles = {c["name"]: c["role"] for c in manifest["schema"]}
    assert roles["island"] == "categorical" and roles["bill_length_mm"] == "numeric"
    assert manifest["data"]["fingerprint"].startswith("sha256:")
    assert manifest["split"]["sizes"] == {"train": 240, "val": 52, "test": 52}
    assert manifest["metric"] == {"name": "f1_macro", "greater_is_better": True}
    assert {"python", "scikit-learn", "pandas", "trainguard"} <= set(manifest["versions"])
    assert manifest["config"]["seed"] == 42
    split = pd.read_csv(run.path / "split.csv")
    assert sorted(split.row) == list(range(344))
    # The test metrics hold the full set and the baseline beside the model.
    test = run.metrics["test"]
    expected = {"accuracy", "balanced_accuracy", "f1_macro", "log_loss", "confusion_matrix"}
    assert expected <= set(test["model"]["metrics"])
    assert test["baseline"]["metrics"]["accuracy"] < test["model"]["metrics"]["accuracy"]
    ci = test["model"]["ci"]
    assert ci["low"] <= ci["value"] <= ci["high"]
    # Reloaded from disk, the model predicts what the in-memory one predicts.
    reloaded = trainguard.load_run(run.path)
    new = pd.read_csv(dataset_path("penguins")).drop(columns="species")
    np.testing.assert_array_equal(reloaded.predict(new), run.predict(new))
    proba = reloaded.predict_proba(new)
    assert list(proba.columns) == ["Adelie", "Chinstrap", "Gentoo"]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_each_task_beats_the_baseline(tmp_path, task):
    run = trainguard.train(make_table(task, n=400), "churned", out=tmp_path / task,
                           drop=["customer_id", "household"], **QUICK)
    assert run.task == task
    metric = {"binary": "roc_auc", "multiclass": "f1_macro", "regression": "rmse"}[task]
    assert run.metric == metric
    model = run.metrics["test"]["model"]["metrics"][metric]
    baseline = run.metrics["test"]["baseline"]["metrics"][metric]
    assert (model < baseline) if metric == "rmse" else (model > baseline)


def test_group_split_keeps_each_group_on_one_side(tmp_path):
    frame = make_table("binary", n=400)
    run = trainguard.train(frame, "churned", group="household", models=FAST, out=tmp_path / "g")
    split = pd.read_csv(run.path / "split.csv")
    split["household"] = frame.household.to_numpy()[split.row]
    assert split.groupby("household").part.nunique().max() == 1
    assert run.manifest["split"]["strategy"] == "group"
    assert "household" not in run.schema.feature_names


def test_time_split_tests_on_the_latest_rows(tmp_path):
    frame = make_table("regression", n=400).sample(frac=1, random_state=0)  # file not sorted
    run = trainguard.train(frame, "churned", time="signup", models=FAST, out=tmp_path / "t")
    split = pd.read_csv(run.path / "split.csv")
    times = pd.to_datetime(frame.signup.to_numpy()[split.row])
    assert times[split.part == "train"].max() < times[split.part == "test"].min()
    assert times[split.part == "val"].max() < times[split.part == "test"].min()


def test_rows_without_target_are_dropped_and_counted(tmp_path):
    frame = make_table("binary")
    frame.loc[[3, 10, 50], "churned"] = np.nan
    run = trainguard.train(frame, "churned", models=FAST, out=tmp_path / "m")
    assert run.manifest["data"]["rows_dropped_missing_target"] == 3
    split = pd.read_csv(run.path / "split.csv")
    assert {3, 10, 50}.isdisjoint(split.row) and len(split) == len(frame) - 3
    assert any(f["id"] == "missing-target" for f in run.manifest["findings"])


def test_failed_training_leaves_no_run_folder(tmp_path):
    frame = make_table("binary")
    with pytest.raises(trainguard.ConfigError):
        trainguard.train(frame, "churned", metric="no_such_metric", runs_dir=tmp_path / "runs")
    assert not (tmp_path / "runs").exists()


def test_sealed_test_set_opens_once(tmp_path):
    frame = _numeric_frame()
    run_model = trainguard.train(frame, "y", models=FAST, runs_dir=tmp_path).model
    sealed = SealedTestSet(frame[["a", "b"]], frame.y)
    from trainguard.evaluate.metrics import get_metric

    sealed.evaluate({"m": run_model}, task="binary", metric=get_metric("roc_auc", "binary"), seed=0)
    with pytest.raises(TestSetAlreadyUsedError):
        sealed.evaluate({"m": run_model}, task="binary", metric=get_metric("roc_auc", "binary"), seed=0)


def test_unseen_categories_are_handled_at_predict_time(tmp_path):
    frame = make_table("binary")
    run = trainguard.train(frame, "churned", out=tmp_path / "u", drop=["customer_id"], **QUICK)
    new = frame.drop(columns="churned").head(10).copy()
    new["plan"] = "enterprise"
    predictions = run.predict(new)
    assert len(predictions) == 10
    [finding] = [f for f in run.last_findings if f.id == "unseen-categories"]
    assert finding.evidence == {"column": "plan", "rows": 10, "examples": ["enterprise"]}


@pytest.mark.parametrize("model", ["linear", "random_forest", "gradient_boosting"])
def test_every_candidate_reloads_from_its_run_folder_and_predicts_the_same(tmp_path, model):
    frame = make_table("binary", n=200)
    run = trainguard.train(frame, "churned", models=[model], out=tmp_path / model, **QUICK)
    assert run.model_name == model
    new = frame.drop(columns="churned")
    reloaded = trainguard.load_run(run.path)
    np.testing.assert_array_equal(reloaded.predict(new), run.predict(new))
    np.testing.assert_allclose(reloaded.predict_proba(new), run.predict_proba(new))


@pytest.mark.parametrize(("option", "kind"), [("time", "time"), ("group", "group")])
def test_the_search_rows_carry_the_split_keys_that_inner_hold_outs_follow(option, kind):
    from trainguard.config import TrainConfig
    from trainguard.data.schema import coerce_features
    from trainguard.workflow import stages

    column = {"time": "signup", "group": "household"}[option]
    frame = make_table("binary", n=300)
    settings = TrainConfig(target="churned", **{option: column}).settings()
    prepared = stages.prepare(frame, settings)
    split = stages.split(prepared, settings)
    X, y = coerce_features(prepared.frame, prepared.schema), prepared.target.values
    keys = prepared.times if option == "time" else prepared.frame[column]
    data = stages.search_data(settings, "binary", X.iloc[split.train], y.iloc[split.train],
                              X.iloc[split.val], y.iloc[split.val], split.test,
                              keys.iloc[split.train] if option == "group" else None,
                              keys.iloc[split.train] if option == "time" else None)
    assert data.row_keys is not None and data.row_keys.kind == kind
    assert data.row_keys.values.index.equals(data.X_train.index)  # keyed by the rows' labels
