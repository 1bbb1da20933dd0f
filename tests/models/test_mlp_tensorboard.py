"""The MLP candidate with a TensorBoard folder: curves for every fit, and none in the saved model."""

from __future__ import annotations

import pandas as pd
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from datagen import make_table
from trainguard.data.schema import coerce_features, infer_schema
from trainguard.models.base import ModelContext
from trainguard.models.mlp import MultilayerPerceptron
from trainguard.models.persist import load_model, save_model


def test_fits_write_curves_and_the_saved_model_has_no_writer(tmp_path):
    frame = make_table("binary", n=200).drop(columns=["signup", "customer_id", "household"])
    schema = infer_schema(frame, target="churned")
    X, y = coerce_features(frame, schema), frame["churned"]
    context = ModelContext(task="binary", schema=schema, seed=0, tensorboard_dir=str(tmp_path / "tb"))
    candidate = MultilayerPerceptron(context, {"max_epochs": 3})
    fitted = candidate.fit(X[:150], y[:150], X[150:], y[150:])
    refitted = candidate.refit(fitted, X, y)
    runs = sorted(p.name for p in (tmp_path / "tb" / "mlp").iterdir())
    assert len(runs) == 2 and runs[0].startswith("fit-") and runs[1] == "refit"
    for run in runs:
        events = EventAccumulator(str(tmp_path / "tb" / "mlp" / run)).Reload()
        assert "epoch/loss" in events.Tags()["scalars"]
    assert (
        "epoch/val_loss"
        in EventAccumulator(str(tmp_path / "tb" / "mlp" / runs[0])).Reload().Tags()["scalars"]
    )
    model = refitted.named_steps["model"]
    assert not model.get_params(deep=False)["callbacks"]
    save_model(refitted, tmp_path / "m.skops")  # trusted types only: no TensorBoard object inside
    reloaded = load_model(tmp_path / "m.skops")
    pd.testing.assert_series_equal(pd.Series(reloaded.predict(X)), pd.Series(refitted.predict(X)))
