import json
import math

import numpy as np
import pandas as pd
import pytest

from trainguard.errors import ConfigError
from trainguard.track.run_folder import RunFolder, default_run_path, to_json


def test_commit_moves_a_complete_folder_into_place(tmp_path):
    destination = tmp_path / "runs" / "r1"
    with RunFolder(destination) as folder:
        folder.write_json("a.json", {"x": 1})
        folder.write_csv("b.csv", pd.DataFrame({"c": [1, 2]}))
        assert not destination.exists()  # nothing visible until commit
        folder.commit()
    assert json.loads((destination / "a.json").read_text()) == {"x": 1}
    assert (destination / "b.csv").read_text().splitlines() == ["c", "1", "2"]
    assert [p.name for p in destination.parent.iterdir()] == ["r1"]


def test_failure_leaves_nothing_behind(tmp_path):
    destination = tmp_path / "runs" / "deep" / "r1"
    with pytest.raises(ValueError):
        with RunFolder(destination) as folder:
            folder.write_json("a.json", {"x": 1})
            raise ValueError("boom")
    assert not (tmp_path / "runs").exists()


def test_existing_destination_is_refused_before_any_work(tmp_path):
    (tmp_path / "r1").mkdir()
    with pytest.raises(ConfigError, match="already exists"):
        RunFolder(tmp_path / "r1")


def test_default_run_path_never_reuses_a_folder(tmp_path):
    first = default_run_path(tmp_path, "data")
    first.mkdir()
    second = default_run_path(tmp_path, "data")
    assert second != first and second.name.startswith("data-")


def test_json_has_no_nan_and_handles_numpy():
    text = to_json({"a": math.nan, "b": np.float64(1.5), "c": np.int64(3), "d": [np.inf],
                    "e": np.array([1, 2])})
    assert json.loads(text) == {"a": None, "b": 1.5, "c": 3, "d": [None], "e": [1, 2]}


def test_predictions_in_chunks_equal_one_call(monkeypatch):
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from trainguard.track import run as run_module

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(1000, 3)), columns=["a", "b", "c"])
    y = (X.a + rng.normal(size=1000) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    monkeypatch.setattr(run_module, "PREDICT_CHUNK_ROWS", 64)  # 16 chunks, the last one short
    calls = []

    def counted(rows):
        calls.append(len(rows))
        return model.predict_proba(rows)

    chunked = run_module.Run._scored(counted, X)
    assert len(calls) == 16 and max(calls) == 64 and sum(calls) == 1000
    np.testing.assert_array_equal(chunked, model.predict_proba(X))
