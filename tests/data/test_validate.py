"""Checking new rows chunk by chunk gives what checking the whole frame gives."""

from __future__ import annotations

import pandas as pd
import pytest

from datagen import make_table
from trainguard.data.schema import infer_schema
from trainguard.data.validate import NewRowsCheck, check_new_data
from trainguard.errors import SchemaMismatchError


@pytest.fixture
def schema():
    return infer_schema(make_table("binary"), target="churned", ids=["customer_id"])


def _new_rows() -> pd.DataFrame:
    rows = make_table("binary", n=500, seed=7).drop(columns="churned").assign(extra=1)
    rows.loc[[3, 130, 131, 480], "plan"] = "platinum"  # unseen, in three different chunks
    rows.loc[[200, 499], "plan"] = "gold"
    return rows


def test_chunks_concatenate_to_the_whole_frame_check(schema):
    rows = _new_rows()
    whole, whole_findings = check_new_data(rows, schema, target="churned", where="new.csv")
    check = NewRowsCheck(rows, "new.csv", schema, target="churned")
    parts = list(check.chunks(128))
    assert [len(part) for part, _ in parts] == [128, 128, 128, 116]
    pd.testing.assert_frame_equal(pd.concat([features for _, features in parts]), whole)
    pd.testing.assert_frame_equal(pd.concat([part for part, _ in parts]), rows)
    assert [f.to_dict() for f in check.findings] == [f.to_dict() for f in whole_findings]
    [extra, unseen] = check.findings
    assert extra.id == "extra-columns"
    assert unseen.evidence == {"column": "plan", "rows": 6, "examples": ["platinum", "gold"]}


@pytest.mark.parametrize("bad_tenure_rows", [[10, 450], [450]])
def test_a_bad_value_in_any_chunk_raises_what_the_whole_frame_raises(schema, bad_tenure_rows):
    rows = _new_rows().astype({"tenure": object, "monthly_charges": object})
    rows.loc[bad_tenure_rows, "tenure"] = "abc"
    # A later column, bad in the third chunk: with tenure bad only in the last chunk, the first
    # chunk that fails fails on monthly_charges, yet the error must be tenure's, as for the whole.
    rows.loc[300, "monthly_charges"] = "n/a"
    with pytest.raises(SchemaMismatchError) as whole:
        check_new_data(rows, schema, target="churned", where="new.csv")
    check = NewRowsCheck(rows, "new.csv", schema, target="churned")
    with pytest.raises(SchemaMismatchError) as chunked:
        list(check.chunks(128))
    assert str(chunked.value) == str(whole.value)
    assert str(chunked.value).startswith(f"column 'tenure': {len(bad_tenure_rows)} value(s) cannot be read")


def test_column_checks_run_before_any_chunk(schema):
    rows = _new_rows().drop(columns="plan")
    with pytest.raises(SchemaMismatchError, match="missing: plan"):
        NewRowsCheck(rows, "new.csv", schema, target="churned")
