"""The shared analysis of one file: every rule's check reads its facts instead of walking the tree again.

Two passes make the facts, each over the whole module once: the data-flow analysis (dataflow.py,
where rows go: leakage, test-set misuse, time, seeds of scikit-learn code) and the structural checks
of training code (nnchecks.py, PyTorch/Keras/Lightning/skorch). Each reports what it found under a
rule code; a rule's check picks its own.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass

from trainguard.lint import dataflow
from trainguard.lint.dataflow import Hit
from trainguard.lint.nnchecks import NNChecks
from trainguard.lint.tree import TreeIndex

__all__ = ["Analysis", "Hit", "analyse"]


def _by_code(hits: list[Hit]) -> dict[str, list[Hit]]:
    grouped: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.code].append(hit)
    return dict(grouped)


@dataclass(frozen=True)
class Analysis:
    """What both passes found in one file, by rule code, in the order they found it."""

    dataflow: dict[str, list[Hit]]
    nnchecks: dict[str, list[Hit]]
    # The structure the training-code checks index once (calls, classes, generator functions, scopes)
    # with its resolvers, for rules whose check reads the structure itself.
    structure: NNChecks

    def from_dataflow(self, code: str) -> list[Hit]:
        return self.dataflow.get(code, [])

    def from_nnchecks(self, code: str) -> list[Hit]:
        return self.nnchecks.get(code, [])

    def codes(self) -> set[str]:
        return set(self.dataflow) | set(self.nnchecks)


def analyse(tree: ast.Module, index: TreeIndex | None = None) -> Analysis:
    index = index or TreeIndex.build(tree)
    structure = NNChecks(tree, index)
    return Analysis(_by_code(dataflow.analyse(tree, index)), _by_code(structure.run()), structure)
