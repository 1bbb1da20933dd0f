"""One traversal of a parsed file, shared by every analysis (walking the tree is most of the cost)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass
class TreeIndex:
    tree: ast.Module
    nodes: list[ast.AST] = field(default_factory=list)  # breadth-first: a parent before its children
    parents: dict[int, ast.AST] = field(default_factory=dict)

    @classmethod
    def build(cls, tree: ast.Module) -> TreeIndex:
        index = cls(tree, [tree])
        nodes, parents = index.nodes, index.parents
        for node in nodes:  # the list grows while it is read
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
                nodes.append(child)
        return index
