"""Small readers of ``ast`` nodes that every analysis and rule check uses (one copy of each)."""

from __future__ import annotations

import ast
from typing import Any


def name_of(node: ast.AST) -> str:
    """The last name of a call, attribute or name: ``CrossEntropyLoss`` for ``nn.CrossEntropyLoss()``."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def dotted(node: ast.AST) -> str:
    """``np.random.seed`` for a Name/Attribute chain, '' otherwise (cheaper than ``ast.unparse``)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return "." + ".".join(reversed(parts)) if parts else ""


def const(node: ast.AST | None) -> Any:
    """The value of a literal (numbers, strings, tuples of them), None for anything else."""
    try:
        return ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def keyword(call: ast.Call, name: str) -> ast.AST | None:
    """The value passed as ``name=`` to a call, None when it is not passed."""
    return next((k.value for k in call.keywords if k.arg == name), None)
