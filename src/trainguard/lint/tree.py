"""One traversal of a parsed file, shared by every analysis (walking the tree is most of the cost)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from itertools import chain


@dataclass
class TreeIndex:
    tree: ast.Module
    nodes: list[ast.AST] = field(default_factory=list)  # breadth-first: a parent before its children
    parents: dict[int, ast.AST] = field(default_factory=dict)
    # Positions in ``nodes`` of each node class, made on the first ``of_type`` call.
    _positions: dict[type, list[int]] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, tree: ast.Module) -> TreeIndex:
        index = cls(tree, [tree])
        nodes, parents = index.nodes, index.parents
        node_class = ast.AST
        # The children in the order of ast.iter_child_nodes, without its generator per node and
        # iter_fields per field (together most of the cost of the walk).
        for node in nodes:  # the list grows while it is read
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, node_class):
                    parents[id(value)] = node
                    nodes.append(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, node_class):
                            parents[id(item)] = node
                            nodes.append(item)
        return index

    def of_type(self, *classes: type[ast.AST]) -> list[ast.AST]:
        """The nodes of these concrete classes, in the order of ``nodes`` (a new list each call).

        The same as ``[n for n in nodes if isinstance(n, classes)]`` for node classes that ``ast.parse``
        makes (none of them has a subclass), without testing every node of the file again.
        """
        if self._positions is None:
            positions: dict[type, list[int]] = {}
            for i, node in enumerate(self.nodes):
                positions.setdefault(type(node), []).append(i)
            self._positions = positions
        empty: list[int] = []
        if len(classes) == 1:
            picked = self._positions.get(classes[0], empty)
        else:
            picked = sorted(chain.from_iterable(self._positions.get(c, empty) for c in classes))
        nodes = self.nodes
        return [nodes[i] for i in picked]
