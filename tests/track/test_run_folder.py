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
