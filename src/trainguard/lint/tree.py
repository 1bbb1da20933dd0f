"""One traversal of a parsed file, shared by every analysis (walking the tree is most of the cost)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from itertools import compress


@dataclass
class TreeIndex:
    tree: ast.Module
    nodes: list[ast.AST] = field(default_factory=list)  # breadth-first: a parent before its children
    parents: dict[int, ast.AST] = field(default_factory=dict)
    # The class of each node of ``nodes``, made on the first ``of_type`` call.
    _types: list[type] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, tree: ast.Module) -> TreeIndex:
        index = cls(tree)
        index.nodes = walk(tree, index.parents)
        return index

    def of_type(self, *classes: type[ast.AST]) -> list[ast.AST]:
        """The nodes of these concrete classes, in the order of ``nodes`` (a new list each call).

        The same as ``[n for n in nodes if isinstance(n, classes)]`` for node classes that ``ast.parse``
        makes (none of them has a subclass), with the filtering done in C instead of per node in Python.
        """
        if self._types is None:
            self._types = list(map(type, self.nodes))
        return list(compress(self.nodes, map(frozenset(classes).__contains__, self._types)))


def walk(node: ast.AST, parents: dict[int, ast.AST] | None = None) -> list[ast.AST]:
    """``list(ast.walk(node))``, in the same breadth-first order, in half the time.

    It reads ``_fields`` directly instead of ``ast.iter_child_nodes``'s generator per node and
    ``iter_fields`` per field (together most of the cost of a walk). With ``parents``, it also records
    each node's parent under ``id(child)``.
    """
    nodes = [node]
    node_class = ast.AST
    for current in nodes:  # the list grows while it is read
        for name in current._fields:
            value = getattr(current, name, None)
            if isinstance(value, node_class):
                nodes.append(value)
                if parents is not None:
                    parents[id(value)] = current
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, node_class):
                        nodes.append(item)
                        if parents is not None:
                            parents[id(item)] = current
    return nodes
