"""The committed fact table is what scikit-learn and imbalanced-learn, as installed, say it is."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainguard.lint import dataflow

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_lint_facts", ROOT / "scripts" / "gen_lint_facts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_facts_match_the_installed_libraries():
    pytest.importorskip("imblearn")
    generator = _generator()
    committed = json.loads(generator.OUT.read_text())
    fresh = generator.facts()
    if committed["generated_from"] != fresh["generated_from"]:
        pytest.skip(
            f"facts generated from {committed['generated_from']}, installed {fresh['generated_from']}"
        )
    assert committed == fresh, "run .venv/bin/python scripts/gen_lint_facts.py"


def test_every_public_fitting_transformer_is_known():
    from sklearn.utils import all_estimators

    generator = _generator()
    known = dataflow.TRANSFORMERS | dataflow.SELECTORS | dataflow.CATEGORY_ENCODERS | dataflow.TARGET_ENCODERS
    skipped = generator.STATELESS | {"ColumnTransformer", "FeatureUnion"}
    for name, cls in all_estimators(type_filter="transformer"):
        from sklearn.base import ClassifierMixin, ClusterMixin, RegressorMixin

        if name in skipped or issubclass(cls, ClassifierMixin | RegressorMixin | ClusterMixin):
            continue
        assert name in known, name


def test_lint_start_up_imports_neither_sklearn_nor_pandas():
    code = (
        "import sys; from trainguard.lint import lint_paths; "
        "print(sorted(m for m in ('sklearn', 'pandas', 'numpy', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
