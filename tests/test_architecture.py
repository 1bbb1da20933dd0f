"""The layers of the package (.importlinter) hold, and no package reaches into another's privates."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "trainguard"


def test_import_linter_contracts_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")
    result = subprocess.run([exe, "--config", str(ROOT / ".importlinter")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else module


def private_imports_across_packages() -> list[str]:
    """``from trainguard.a.b import _name`` written outside ``trainguard.a``."""
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(file.relative_to(PACKAGE.parent).with_suffix("").parts)
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("trainguard."):
                continue
            if _package_of(node.module) == _package_of(module):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{file.relative_to(ROOT)}:{node.lineno}: {node.module}.{alias.name}")
    return found


def test_no_package_imports_another_packages_private_names():
    assert private_imports_across_packages() == []


def test_the_private_name_check_finds_a_violation(tmp_path, monkeypatch):
    # The check itself must be able to fail: plant a cross-package private import in a copy.
    copy = tmp_path / "src" / "trainguard"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "cli" / "planted.py").write_text("from trainguard.data.load import _private_helper\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", copy)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert private_imports_across_packages() == [
        "src/trainguard/cli/planted.py:1: trainguard.data.load._private_helper"]
