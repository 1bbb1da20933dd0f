"""Run scores new rows chunk by chunk, with the same results as scoring them all at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from datagen import make_table
from trainguard.data.schema import coerce_features, infer_schema
from trainguard.data.validate import check_new_data
from trainguard.errors import SchemaMismatchError
from trainguard.features.preprocess import build_preprocessor
from trainguard.track import run as run_module
from trainguard.track.run import Run


@pytest.fixture
def run(tmp_path):
    train = make_table("binary")
    schema = infer_schema(train, target="churned", ids=["customer_id"])
    model = make_pipeline(build_preprocessor(schema, scale=True), LogisticRegression())
    model.fit(coerce_features(train, schema), train["churned"])
    manifest = {"schema": schema.to_dict(), "target": {"name": "churned", "task": "binary"},
                "id_columns": ["customer_id"]}
    return Run(tmp_path, manifest, {}, pd.DataFrame(), model=model)


def _new_rows() -> pd.DataFrame:
    rows = make_table("binary", n=1000, seed=7).drop(columns="churned")
    rows.loc[[5, 700], "plan"] = "platinum"
    return rows


def test_predictions_in_chunks_equal_one_call_on_the_whole_frame(run, monkeypatch):
    rows = _new_rows()
    # What predict computed before it worked in chunks: the whole frame checked, then scored.
    features, findings = check_new_data(rows, run.schema, target="churned", where="DataFrame")
    expected = rows[["customer_id"]].assign(prediction=run.model.predict(features))
    for i, label in enumerate(run.model.classes_):
        expected[f"proba_{label}"] = run.model.predict_proba(features)[:, i]
    monkeypatch.setattr(run_module, "PREDICT_CHUNK_ROWS", 64)  # 16 chunks, the last one short
    calls = []
    predict = run.model.predict
    monkeypatch.setattr(run.model, "predict", lambda X: calls.append(len(X)) or predict(X))
    got = run.predictions_frame(rows, proba=True)
    assert len(calls) == 16 and max(calls) == 64 and sum(calls) == 1000
    pd.testing.assert_frame_equal(got, expected)
    assert [f.to_dict() for f in run.last_findings] == [f.to_dict() for f in findings]
    assert run.last_findings[0].evidence["rows"] == 2  # unseen categories counted over all chunks
    np.testing.assert_array_equal(run.predict(rows), expected["prediction"])
    np.testing.assert_array_equal(run.predict_proba(rows).to_numpy(), expected.iloc[:, 2:].to_numpy())


def test_a_bad_value_in_the_last_chunk_is_an_error_not_a_partial_answer(run, monkeypatch):
    monkeypatch.setattr(run_module, "PREDICT_CHUNK_ROWS", 64)
    rows = _new_rows().astype({"tenure": object})
    rows.loc[999, "tenure"] = "abc"
    with pytest.raises(SchemaMismatchError, match="column 'tenure': 1 value"):
        run.predictions_frame(rows)
