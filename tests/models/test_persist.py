import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import FunctionTransformer

from trainguard.errors import DataError
from trainguard.models.persist import load_model, save_model


def test_forest_round_trips(tmp_path):
    X = np.random.default_rng(0).normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    model = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    save_model(model, tmp_path / "m.skops")
    np.testing.assert_array_equal(load_model(tmp_path / "m.skops").predict(X), model.predict(X))


def test_a_file_naming_an_arbitrary_function_is_refused(tmp_path):
    # A FunctionTransformer around an os-level function is how a crafted file would run code.
    import os

    sio.dump(FunctionTransformer(os.getcwd), tmp_path / "evil.skops")
    with pytest.raises(DataError, match="not trusted: .*getcwd"):
        load_model(tmp_path / "evil.skops")


def test_missing_and_corrupt_files_are_clear_errors(tmp_path):
    with pytest.raises(DataError, match="missing"):
        load_model(tmp_path / "nope.skops")
    (tmp_path / "bad.skops").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="cannot be read"):
        load_model(tmp_path / "bad.skops")


def test_never_uses_pickle(tmp_path, monkeypatch):
    import pickle

    def refuse(*args, **kwargs):
        raise AssertionError("pickle must not be used")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    model = RandomForestClassifier(n_estimators=2, random_state=0).fit(frame, [0, 1, 0, 1])
    save_model(model, tmp_path / "m.skops")
    assert load_model(tmp_path / "m.skops").predict(frame).tolist() == model.predict(frame).tolist()


@pytest.mark.parametrize("kind", ["LGBMClassifier", "LGBMRegressor"])
def test_lightgbm_models_round_trip_with_only_their_own_types_trusted(tmp_path, kind):
    import lightgbm as lgb

    X = np.random.default_rng(0).normal(size=(80, 3))
    y = (X[:, 0] > 0).astype(int)
    model = getattr(lgb, kind)(n_estimators=5, verbose=-1).fit(X, y)
    save_model(model, tmp_path / "m.skops")
    named = set(sio.get_untrusted_types(file=tmp_path / "m.skops"))
    assert named == {f"lightgbm.sklearn.{kind}", "lightgbm.basic.Booster", "collections.OrderedDict"}
    np.testing.assert_array_equal(load_model(tmp_path / "m.skops").predict(X), model.predict(X))
