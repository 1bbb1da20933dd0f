"""Importing trainguard (and its own Trainer) never imports Keras, TensorFlow, Lightning or skorch."""

from __future__ import annotations

import subprocess
import sys

import pytest

FRAMEWORKS = ("keras", "tensorflow", "jax", "lightning", "pytorch_lightning", "skorch")


@pytest.mark.parametrize(
    "module", ["trainguard", "trainguard.nn", "trainguard.guards.core", "trainguard.cli.app"]
)
def test_import_does_not_load_the_frameworks(module: str) -> None:
    code = (
        f"import sys, {module}; "
        f"loaded = [m for m in {FRAMEWORKS!r} if m in sys.modules]; "
        "print(loaded); raise SystemExit(1 if loaded else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"importing {module} loaded {result.stdout.strip()} {result.stderr[-500:]}"


@pytest.mark.parametrize(
    ("module", "framework"), [("trainguard.skorch", "skorch"), ("trainguard.lightning", "lightning")]
)
def test_each_adapter_loads_only_its_framework(module: str, framework: str) -> None:
    pytest.importorskip(framework)
    code = (
        f"import sys, {module}; "
        f"others = [m for m in {FRAMEWORKS!r} if m in sys.modules and not m.startswith({framework!r})]; "
        "print(others)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout
