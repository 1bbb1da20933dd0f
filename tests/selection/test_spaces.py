"""The declarative search-space format and --space files."""

from __future__ import annotations

import pytest

from trainguard.errors import ConfigError
from trainguard.selection.spaces import parse_space, read_space_file
from trainguard.selection.stage import documented_spaces


def test_every_family_documents_a_space_whose_defaults_are_legal_draws():
    from datagen import make_table
    from trainguard.data.schema import infer_schema
    from trainguard.models import ModelContext, available_candidates
    from trainguard.selection.tuner import default_params

    for task in ("binary", "regression"):
        schema = infer_schema(make_table(task, n=50), target="churned")
        spaces = documented_spaces(task)
        assert spaces["baseline"] == {}
        for name in ("linear", "random_forest", "extra_trees", "gradient_boosting", "lightgbm", "mlp"):
            assert spaces[name], name
            candidate = available_candidates()[name](ModelContext(task=task, schema=schema, seed=0))
            # The first trial is the family's untuned model, so every default must be in its range.
            assert set(default_params(candidate, spaces[name])) == set(spaces[name]), name


def test_grid_values_default_to_spread_points_and_honour_explicit_grids():
    space = parse_space({"C": {"type": "float", "low": 0.01, "high": 100, "log": True},
                         "leaf": {"type": "int", "low": 1, "high": 9},
                         "k": ["a", "b"], "lr": {"type": "float", "low": 0, "high": 1, "grid": [0.5]}}, "t")
    assert space["C"].grid_values() == [0.01, 0.1, 1.0, 10.0, 100.0]
    assert space["leaf"].grid_values() == [1, 3, 5, 7, 9]
    assert space["k"].grid_values() == ["a", "b"]
    assert space["lr"].grid_values() == [0.5]


@pytest.mark.parametrize(("raw", "message"), [
    ({"type": "float", "low": 1, "high": 0}, "low <= high"),
    ({"type": "float", "low": 0, "high": 1, "log": True}, "above 0"),
    ({"type": "normal", "low": 0, "high": 1}, "unknown type"),
    ({"type": "categorical", "choices": []}, "non-empty"),
    ({"type": "int", "low": 0.5, "high": 3}, "whole numbers"),
    ({"type": "float", "low": 0, "high": 1, "scale": 2}, "unknown key"),
])
def test_bad_distributions_are_one_line_config_errors(raw, message):
    with pytest.raises(ConfigError, match=message) as info:
        parse_space({"p": raw}, "--space f.yaml: linear")
    assert "\n" not in str(info.value) and "Fix:" in str(info.value)


def test_space_file_overrides_one_parameter_and_keeps_the_rest(tmp_path):
    file = tmp_path / "space.toml"
    file.write_text('[random_forest.min_samples_leaf]\ntype = "int"\nlow = 2\nhigh = 4\n')
    spaces = read_space_file(file, documented_spaces("binary"))
    assert spaces["random_forest"]["min_samples_leaf"].high == 4
    assert "max_features" in spaces["random_forest"]
    yaml_file = tmp_path / "space.yaml"
    yaml_file.write_text("linear:\n  C: [0.1, 1.0]\n")
    assert read_space_file(yaml_file, documented_spaces("binary"))["linear"]["C"].choices == (0.1, 1.0)


@pytest.mark.parametrize(("text", "message"), [
    ("tabnet:\n  eta: [0.1]\n", "unknown model 'tabnet'"),
    ("linear:\n  gamma: [0.1]\n", "no searchable parameter 'gamma'"),
    ("linear: [1, 2\n", "cannot be parsed"),
])
def test_bad_space_files_name_the_problem(tmp_path, text, message):
    file = tmp_path / "space.yaml"
    file.write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_space_file(file, documented_spaces("binary"))
