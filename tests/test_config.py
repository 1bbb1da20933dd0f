"""Options checked once, before any data is read: typed settings, or a one-line ConfigError."""

import importlib.util

import pytest

from trainguard.config import TrainConfig
from trainguard.errors import ConfigError


def test_settings_are_typed():
    settings = TrainConfig(target="y", split="60,20,20", budget="1m30s", cv="3", models=["linear"]).settings()
    assert (settings.fractions.train, settings.fractions.val) == (0.6, 0.2)
    assert settings.budget_seconds == 90.0 and settings.cv == 3
    assert [c.name for c in settings.candidates] == ["baseline", "linear"]


@pytest.mark.parametrize(("options", "where"), [
    ({"group": "g", "time": "t"}, "--group/--time"),
    ({"split": "0.8,0,0.2"}, "--split"),
    ({"engine": "spark"}, "--engine"),
    ({"address": "10.0.0.5:6379"}, "--address"),
    ({"imbalance": "oversample"}, "--imbalance"),
    ({"metric": "nonsense"}, "--metric"),
])
def test_bad_options_name_the_option(options, where):
    with pytest.raises(ConfigError) as caught:
        TrainConfig(target="y", **options).settings()
    assert caught.value.where == where and caught.value.fix


def test_tensorboard_without_the_package_says_what_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real(name, *a))
    with pytest.raises(ConfigError, match=r"trainguard\[tensorboard\]"):
        TrainConfig(target="y", tensorboard="tb").settings()
