"""The shared tree index must see exactly what ``ast.walk`` and ``isinstance`` see, in the same order."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import trainguard.lint.dataflow
from trainguard.lint.tree import TreeIndex, walk

# Real code with every kind of node the linter reads: its own largest module and a notebook-like script.
SOURCES = [
    Path(trainguard.lint.dataflow.__file__).read_text(),
    "import numpy as np\n"
    "async def f(x, *a, k=1, **kw):\n"
    "    async with g() as h:\n"
    "        return [y async for y in h if (z := y)]\n"
    "try:\n    pass\nexcept (ValueError, KeyError) as e:\n    lambda q: q\n"
    "match p:\n    case {'a': [1, *rest]}:\n        pass\n",
]


@pytest.mark.parametrize("text", SOURCES, ids=["dataflow.py", "syntax"])
def test_walk_is_ast_walk_in_order(text: str) -> None:
    tree = ast.parse(text)
    expected = list(ast.walk(tree))
    assert [id(n) for n in walk(tree)] == [id(n) for n in expected]
    subtree = next(n for n in expected if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))
    assert [id(n) for n in walk(subtree)] == [id(n) for n in ast.walk(subtree)]


@pytest.mark.parametrize("text", SOURCES, ids=["dataflow.py", "syntax"])
def test_index_parents_are_ast_parents(text: str) -> None:
    tree = ast.parse(text)
    expected = {}  # the last parent seen wins: Load, Add, And ... are one shared object per kind
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            expected[id(child)] = node
    index = TreeIndex.build(tree)
    assert index.parents == expected
    assert len(expected) > 40


@pytest.mark.parametrize("text", SOURCES, ids=["dataflow.py", "syntax"])
def test_of_type_is_isinstance_in_order(text: str) -> None:
    index = TreeIndex.build(ast.parse(text))
    for classes in [
        (ast.Call,),
        (ast.Call, ast.Assign),
        (ast.Name, ast.arg, ast.ExceptHandler),
    ]:
        expected = [n for n in index.nodes if isinstance(n, classes)]
        assert expected
        assert index.of_type(*classes) == expected
    assert index.of_type(ast.Global) == []  # no node of the class: an empty list
