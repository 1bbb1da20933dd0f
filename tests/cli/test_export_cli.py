"""`trainguard train` then `trainguard export --format onnx`, and the ONNX model scored with
onnxruntime against `trainguard predict` on the same rows.

One export runs as a user runs it (`trainguard` in its own process, the linear family's); the other
commands run inside this process (tests/in_process.py), each saving a fresh interpreter's imports of
scikit-learn, LightGBM and torch. `trainguard train` and `predict` as users run them are tested in
test_train_predict_cli.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import onnx
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from datagen import make_table
from in_process import in_process
from trainguard.datasets import path as dataset_path
from trainguard.export import onnx_feed, onnx_predict, onnx_session
from trainguard.track.run import Run


def trainguard(*args, cwd, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "trainguard", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def penguins_run(tmp_path_factory):
    """``penguins_run(family, to)``: a run of ``trainguard train penguins.csv -t species --models
    family`` copied to the folder ``to``. Each family is trained once per module (per xdist worker);
    every test gets its own copy to write into."""
    trained = {}

    def copy(family, to):
        if family not in trained:
            cwd = tmp_path_factory.mktemp(f"penguins-{family}")
            in_process("train", dataset_path("penguins"), "-t", "species", "--models", family,
                       "--out", "run", cwd=cwd)
            trained[family] = cwd / "run"
        shutil.copytree(trained[family], to)
        return to

    return copy


def onnx_vs_predict(run_dir, data, cwd, model_file):
    """ONNX outputs on every row of ``data`` beside what `trainguard predict --proba` writes."""
    run = Run.load(run_dir)
    proba = ["--proba"] if run.task != "regression" else []
    in_process("predict", run_dir, data, "-o", "preds.csv", *proba, cwd=cwd)
    expected = pd.read_csv(cwd / "preds.csv")
    session = onnx_session(model_file)
    names = [o.name for o in session.get_outputs()]
    got = dict(zip(names, session.run(None, onnx_feed(run.prepare(data), run.schema)), strict=True))
    return run, expected, got


@pytest.mark.parametrize("family", ["linear", "random_forest", "gradient_boosting", "lightgbm", "mlp"])
def test_each_family_exports_and_predicts_as_trainguard_predict(tmp_path, penguins_run, family):
    data = dataset_path("penguins")  # categorical columns and missing values in both kinds
    penguins_run(family, tmp_path / "run")
    export = trainguard if family == "linear" else in_process  # one export as users run it
    result = export("export", "run", "--format", "onnx", "-o", "penguins.onnx", cwd=tmp_path)
    assert result.stdout.strip() == "penguins.onnx"
    assert "checked on 52 test rows" in result.stderr and "labels identical" in result.stderr
    run, expected, got = onnx_vs_predict(tmp_path / "run", data, tmp_path, tmp_path / "penguins.onnx")
    assert got["label"].tolist() == expected["prediction"].tolist()
    np.testing.assert_allclose(got["probabilities"], expected.filter(like="proba_").to_numpy(), atol=1e-5)
    session = onnx_session(tmp_path / "penguins.onnx")
    for rows, prepare in ((run.prepare(data), None), (pd.read_csv(data), run.prepare)):
        chunked = onnx_predict(session, rows, run.schema, chunk_rows=50, prepare=prepare)
        assert chunked["label"].tolist() == got["label"].tolist()
        # onnxruntime may sum a row's trees in another order for another batch size: 1 ulp.
        np.testing.assert_allclose(chunked["probabilities"], got["probabilities"], rtol=0, atol=1e-12)
    meta = {p.key: p.value for p in onnx.load(tmp_path / "penguins.onnx").metadata_props}
    assert json.loads(meta["trainguard.schema"]) == run.manifest["schema"]
    assert json.loads(meta["trainguard.classes"]) == ["Adelie", "Chinstrap", "Gentoo"]
    assert meta["trainguard.model"] == family


def test_tuned_threshold_is_part_of_the_graph(tmp_path):
    frame = make_table("binary", n=400).drop(columns="signup")
    frame.to_csv(tmp_path / "churn.csv", index=False)
    in_process(
        "train",
        "churn.csv",
        "-t",
        "churned",
        "--metric",
        "f1",
        "--models",
        "gradient_boosting",
        "--cv",
        "2",
        "--out",
        "run",
        cwd=tmp_path,
    )
    threshold = Run.load(tmp_path / "run").manifest["model"]["params"]["threshold"]
    in_process("export", "run", cwd=tmp_path)  # default: RUN/model.onnx
    model_file = tmp_path / "run" / "model.onnx"
    meta = {p.key: p.value for p in onnx.load(model_file).metadata_props}
    assert json.loads(meta["trainguard.threshold"]) == pytest.approx(threshold)
    _, expected, got = onnx_vs_predict(tmp_path / "run", tmp_path / "churn.csv", tmp_path, model_file)
    assert got["label"].tolist() == expected["prediction"].tolist()
    # The label follows the threshold, not the larger probability, wherever the two disagree.
    positive = got["probabilities"][:, 1]
    assert ((got["label"] == "yes") == (positive >= threshold)).all()


@pytest.mark.parametrize("family", ["linear", "lightgbm", "mlp"])
def test_regression_exports(tmp_path, family):
    frame = make_table("regression", n=300).drop(columns="signup")
    # A name skl2onnx would rewrite: the ONNX input keeps the column's name.
    frame.rename(columns={"monthly_charges": "monthly charges ($)"}).to_csv(
        tmp_path / "spend.csv", index=False
    )
    in_process("train", "spend.csv", "-t", "churned", "--models", family, "--out", "run", cwd=tmp_path)
    in_process("export", "run", "-o", "spend.onnx", cwd=tmp_path)
    _, expected, got = onnx_vs_predict(
        tmp_path / "run", tmp_path / "spend.csv", tmp_path, tmp_path / "spend.onnx"
    )
    np.testing.assert_allclose(got["prediction"].ravel(), expected["prediction"], rtol=0, atol=1e-5)


def skewed_costs(n=300, seed=0):
    """A positive, right-skewed regression target (log-normal in two features and a category)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.uniform(18, 80, n),
            "visits": rng.poisson(3, n).astype(float),
            "plan": rng.choice(["basic", "plus", "premium"], n),
        }
    )
    plan = frame["plan"].map({"basic": 0.0, "plus": 0.5, "premium": 1.0})
    frame["cost"] = np.exp(5 + 0.03 * frame["age"] + 0.2 * frame["visits"] + plan + rng.normal(0, 0.3, n))
    return frame


@pytest.mark.parametrize(
    ("family", "transform"),
    # gradient_boosting stops early on the transformed target: a FrozenEstimator inside the wrapper.
    [("linear", "log1p"), ("gradient_boosting", "yeo-johnson")],
)
def test_a_model_fitted_through_a_target_transform_exports_on_the_original_scale(tmp_path, family, transform):
    skewed_costs().to_csv(tmp_path / "costs.csv", index=False)
    (tmp_path / "space.yaml").write_text(f"{family}: {{target_transform: [{transform}]}}\n", encoding="utf-8")
    in_process(
        "train", "costs.csv", "-t", "cost", "--models", family, "--space", "space.yaml", "--trials", "1",
        "--out", "run", cwd=tmp_path,
    )  # fmt: skip
    run = Run.load(tmp_path / "run")
    assert run.manifest["model"]["params"]["target_transform"] == transform
    in_process("export", "run", "-o", "costs.onnx", cwd=tmp_path)
    _, expected, got = onnx_vs_predict(
        tmp_path / "run", tmp_path / "costs.csv", tmp_path, tmp_path / "costs.onnx"
    )
    assert expected["prediction"].min() > 50  # costs, not log costs or standardised values
    np.testing.assert_allclose(got["prediction"].ravel(), expected["prediction"], rtol=1e-9, atol=0)


@pytest.mark.parametrize("family", ["linear", "gradient_boosting", "lightgbm"])
def test_datetime_columns_export_as_seconds_since_the_epoch(binary_csv, tmp_path, family):
    """``signup`` becomes calendar parts inside the graph (imputed and scaled for linear, NaN
    routed natively for boosting)."""
    new = make_table("binary", n=120, seed=9).drop(columns="churned")
    new.loc[::7, "signup"] = None  # missing dates: NaN parts, imputed as in the pipeline
    new.to_csv(tmp_path / "new.csv", index=False)
    in_process("train", binary_csv, "-t", "churned", "--models", family, "--cv", "2", "--out", "run",
               cwd=tmp_path)
    assert Run.load(tmp_path / "run").schema["signup"].role == "datetime"
    in_process("export", "run", "-o", "churn.onnx", cwd=tmp_path)
    _, expected, got = onnx_vs_predict(tmp_path / "run", tmp_path / "new.csv", tmp_path,
                                       tmp_path / "churn.onnx")
    assert got["label"].tolist() == expected["prediction"].tolist()
    np.testing.assert_allclose(got["probabilities"], expected.filter(like="proba_").to_numpy(), atol=1e-5)


def test_text_columns_export_with_scikit_learn_tokens(tmp_path):
    """TF-IDF of free text, with accented, Greek, Turkish, CJK, digit and underscore words and
    missing values, scores in ONNX as in `trainguard predict`."""
    frame = make_table("binary")
    words = np.array(["late", "bill", "router", "called", "twice", "upgrade", "slow", "refund", "app",
                      "café", "naïve", "ΟΔΟΣ", "Σοφία", "İstanbul", "東京", "北京市", "2fa", "wi_fi", "x²",
                      "ÜBER", "über"])
    rng = np.random.default_rng(0)
    signal = np.where(frame["churned"].astype(bool), "refund café", "upgrade 東京")
    frame["notes"] = [f"{s} " + " ".join(rng.choice(words, 6)) for s in signal]
    frame.loc[rng.choice(len(frame), 25, replace=False), "notes"] = np.nan
    frame.drop(columns="signup").to_csv(tmp_path / "notes.csv", index=False)
    in_process("train", "notes.csv", "-t", "churned", "--models", "linear", "--out", "run", cwd=tmp_path)
    assert Run.load(tmp_path / "run").schema["notes"].role == "text"
    result = in_process("export", "run", "-o", "notes.onnx", cwd=tmp_path)
    assert "labels identical" in result.stderr
    _, expected, got = onnx_vs_predict(tmp_path / "run", tmp_path / "notes.csv", tmp_path,
                                       tmp_path / "notes.onnx")
    assert got["label"].tolist() == expected["prediction"].tolist()
    np.testing.assert_allclose(got["probabilities"], expected.filter(like="proba_").to_numpy(), atol=1e-5)


def test_wrong_or_missing_data_are_one_line_errors(tmp_path):
    make_table("binary").drop(columns="signup").to_csv(tmp_path / "churn.csv", index=False)
    in_process("train", "churn.csv", "-t", "churned", "--models", "linear", "--out", "run2", cwd=tmp_path)
    other = make_table("binary", seed=5).drop(columns="signup")
    other.to_csv(tmp_path / "other.csv", index=False)
    wrong = in_process("export", "run2", "--data", "other.csv", cwd=tmp_path, check=False)
    assert wrong.returncode == 2 and "not the rows the run was tested on" in wrong.stderr
    (tmp_path / "churn.csv").unlink()
    gone = in_process("export", "run2", cwd=tmp_path, check=False)
    assert gone.returncode == 2 and "--data FILE" in gone.stderr


def test_a_converter_that_disagrees_fails_the_export_and_writes_nothing(tmp_path, penguins_run):
    """skl2onnx's own forest converter rounds thresholds to float32: the check must catch it."""
    from skl2onnx import update_registered_converter
    from skl2onnx.operator_converters.random_forest import convert_sklearn_random_forest_classifier
    from skl2onnx.shape_calculators.ensemble_shapes import calculate_tree_classifier_output_shapes
    from sklearn.ensemble import RandomForestClassifier

    from trainguard.export import ParityError, export_onnx
    from trainguard.export.converters import random_forest, register_converters

    data = dataset_path("penguins")
    penguins_run("random_forest", tmp_path / "run")
    register_converters()
    update_registered_converter(
        RandomForestClassifier,
        "SklearnRandomForestClassifier",
        calculate_tree_classifier_output_shapes,
        convert_sklearn_random_forest_classifier,
        overwrite=True,
        options={
            "zipmap": [True, False, "columns"],
            "raw_scores": [True, False],
            "nocl": [True, False],
            "output_class_labels": [False, True],
            "decision_path": [True, False],
            "decision_leaf": [True, False],
        },
    )
    try:
        with pytest.raises(ParityError, match="probabilities differ by up to .* at data row") as error:
            export_onnx(Run.load(tmp_path / "run"), tmp_path / "rf.onnx", data=pd.read_csv(data))
    finally:
        random_forest.register()
    assert "nothing was written" in str(error.value)
    assert not (tmp_path / "rf.onnx").exists()


def test_a_resampling_step_is_left_out_of_the_scoring_graph(tmp_path):
    make_table("binary", n=300).drop(columns="signup").to_csv(tmp_path / "churn.csv", index=False)
    in_process(
        "train",
        "churn.csv",
        "-t",
        "churned",
        "--imbalance",
        "smote",
        "--models",
        "linear",
        "--out",
        "run",
        cwd=tmp_path,
    )
    assert Run.load(tmp_path / "run").manifest["model"]["params"]["resample"] == "SMOTE"
    in_process("export", "run", cwd=tmp_path)
    _, expected, got = onnx_vs_predict(
        tmp_path / "run", tmp_path / "churn.csv", tmp_path, tmp_path / "run" / "model.onnx"
    )
    assert got["label"].tolist() == expected["prediction"].tolist()


class Majority(ClassifierMixin, BaseEstimator):  # a user's own estimator: no ONNX converter
    def fit(self, X, y):
        self.classes_, counts = np.unique(y, return_counts=True)
        self.prior_ = counts / counts.sum()
        return self

    def predict_proba(self, X):
        return np.tile(self.prior_, (len(X), 1))

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def test_a_family_skl2onnx_cannot_convert_is_named_with_the_options(tmp_path):
    from sklearn.pipeline import Pipeline

    import trainguard
    from trainguard.errors import ConfigError
    from trainguard.export import export_onnx
    from trainguard.features.preprocess import build_preprocessor
    from trainguard.models import Candidate
    from trainguard.models.base import _REGISTRY, register

    @register
    class Custom(Candidate):
        name = "majority"
        description = "a user's estimator"

        def build(self):
            preprocess = build_preprocessor(self.context.schema, scale=False, categorical="ordinal")
            return Pipeline([("preprocess", preprocess), ("model", Majority())])

    try:
        frame = make_table("binary").drop(columns="signup")
        run = trainguard.train(
            frame,
            "churned",
            models=["majority"],
            out=str(tmp_path / "run"),
            trials=1,
            cv=0,
            n_jobs=1,
            track=False,
            bootstrap_resamples=50,
        )
        with pytest.raises(ConfigError) as error:
            export_onnx(run, data=frame)
    finally:
        del _REGISTRY["majority"]
    message = str(error.value)
    assert "model family 'majority' (Majority) cannot be exported to ONNX" in message
    assert "--models baseline,linear,random_forest,gradient_boosting,lightgbm,mlp" in message
    assert "\n" not in message and not (tmp_path / "run" / "model.onnx").exists()


def test_an_ensemble_exports_as_the_weighted_average_of_its_members(tmp_path, penguins_run):
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.pipeline import Pipeline

    from trainguard.errors import ConfigError
    from trainguard.export.graph import build_onnx
    from trainguard.export.inputs import input_types
    from trainguard.models.ensemble import WeightedEnsemble

    data = dataset_path("penguins")
    for family in ("linear", "lightgbm"):
        penguins_run(family, tmp_path / family)
    run, other = Run.load(tmp_path / "linear"), Run.load(tmp_path / "lightgbm")
    members = [("linear", run.model), ("lightgbm", other.model)]
    ensemble = WeightedEnsemble.from_fitted(members, [0.3, 0.7], run.model.classes_)
    run._model = ensemble  # the run as if selection had chosen this ensemble
    onx = build_onnx(run)
    assert sum(n.op_type == "TreeEnsemble" for n in onx.graph.node) == 1  # the LightGBM member
    assert [i.name for i in onx.graph.input] == [name for name, _ in input_types(run.schema)]  # once
    frame = pd.read_csv(data)
    got = onnx_predict(onnx_session(onx), frame, run.schema, prepare=run.prepare)
    features = run.prepare(frame)
    assert got["label"].tolist() == ensemble.predict(features).tolist()
    np.testing.assert_allclose(got["probabilities"], ensemble.predict_proba(features), rtol=0, atol=1e-9)

    class Unconvertible(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            self.classes_ = np.unique(y)
            return self

        def predict_proba(self, X):
            return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))

    odd = Pipeline([("preprocess", members[0][1].steps[0][1]), ("model", Unconvertible())])
    odd.steps[-1][1].fit(None, ensemble.classes_)
    run._model = WeightedEnsemble.from_fitted(
        [("lightgbm", other.model), ("odd", odd)], [0.5, 0.5], ensemble.classes_
    )
    with pytest.raises(ConfigError, match="member 'odd' cannot be exported to ONNX .*Unconvertible"):
        build_onnx(run)

