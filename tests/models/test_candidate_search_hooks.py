"""What a candidate does with searched hyperparameters and the imbalance setting."""

from __future__ import annotations

import pytest

from datagen import make_table
from trainguard.data.schema import infer_schema
from trainguard.models import ModelContext, available_candidates


def _candidate(name, imbalance="none", task="binary"):
    schema = infer_schema(make_table(task, n=60), target="churned")
    return available_candidates()[name](ModelContext(task=task, schema=schema, seed=0, imbalance=imbalance))


@pytest.mark.parametrize("name", ["linear", "random_forest", "extra_trees", "gradient_boosting",
                                  "lightgbm", "mlp"])
def test_class_weights_reach_every_family(name):
    model = _candidate(name, "weights").pipeline().named_steps["model"]
    assert model.get_params()["class_weight"] == "balanced"


def test_samplers_sit_between_preprocessing_and_model_and_smote_spares_native_categories():
    pipeline = _candidate("linear", "undersample").pipeline()
    assert [name for name, _ in pipeline.steps] == ["preprocess", "resample", "model"]
    assert type(pipeline).__module__.startswith("imblearn")
    boosting = _candidate("gradient_boosting", "smote").pipeline()
    assert "resample" not in boosting.named_steps
    assert boosting.named_steps["model"].class_weight == "balanced"
    assert "resample" not in _candidate("baseline", "smote").pipeline().named_steps


def test_searched_parameters_are_applied_and_decoded():
    mlp = _candidate("mlp").with_params({"hidden_layer_sizes": "128-64", "lr": 0.003})
    model = mlp.pipeline().named_steps["model"]
    assert model.hidden_layer_sizes == (128, 64) and model.lr == 0.003
    forest = _candidate("random_forest").with_params({"min_samples_leaf": 4})
    assert forest.pipeline().named_steps["model"].min_samples_leaf == 4
    assert _candidate("random_forest").hyperparams == {}  # with_params copies; the original is untouched
