"""TG426 iterable-dataset-not-sharded: an `IterableDataset` read by several workers, each yielding all of it.

PyTorch's `IterableDataset` documentation: "When using an IterableDataset with multi-process data
loading. The same dataset object is replicated on each worker process, and thus the replicas must
be configured differently to avoid duplicated data." Lightning warns about the same case when the
dataset also defines ``__len__``, which then counts the data once while the loader yields it once
per worker.
"""

from __future__ import annotations

import ast

from trainguard.findings import Severity
from trainguard.lint.analysis import Analysis, Hit
from trainguard.lint.astutil import keyword, name_of
from trainguard.lint.rule import Rule

# How a dataset or its loader learns which worker it runs in, to read only its own share.
SHARDING = {"get_worker_info", "worker_init_fn", "split_dataset_by_node", "shard"}


def unsharded_iterable_datasets(analysis: Analysis) -> dict[str, ast.ClassDef]:
    """IterableDataset subclasses of the file whose code never asks which worker it runs in."""
    return {
        name: cls
        for name, cls in analysis.structure.classes.items()
        if any(name_of(base) == "IterableDataset" for base in cls.bases)
        and not any(
            isinstance(node, ast.Name | ast.Attribute) and name_of(node) in SHARDING for node in ast.walk(cls)
        )
    }


def check(analysis: Analysis) -> list[Hit]:
    """A ``DataLoader`` with a literal ``num_workers`` above 1 over such a dataset, without worker_init_fn."""
    code = analysis.structure
    datasets = unsharded_iterable_datasets(analysis)
    hits = []
    for call in code.calls if datasets else ():
        if name_of(call) != "DataLoader" or keyword(call, "worker_init_fn") is not None:
            continue
        workers = code.number(keyword(call, "num_workers"))
        data = call.args[0] if call.args else keyword(call, "dataset")
        if workers is None or workers < 2 or data is None:
            continue
        made = code.resolve(data, code.env_at(call))
        cls = datasets.get(name_of(made)) if isinstance(made, ast.Call) else None
        if cls is None:
            continue
        counted = any(isinstance(n, ast.FunctionDef) and n.name == "__len__" for n in cls.body)
        detail = (
            f"{cls.name} is an IterableDataset read by {workers} workers that does not split its data "
            "between them (no get_worker_info): every worker yields all of it"
            + (", and its __len__ counts it once" if counted else "")
        )
        hits.append(Hit(RULE.code, call.lineno, call.col_offset, detail))
    return hits


RULE = Rule(
    code="TG426",
    name="iterable-dataset-not-sharded",
    severity=Severity.ERROR,
    message="An `IterableDataset` is loaded by several workers, and each worker yields all of its data.",
    why=(
        "A `DataLoader` with `num_workers > 1` copies the dataset into every worker. A map-style dataset "
        "is split by the sampler, but an iterable one is not: unless `__iter__` reads only its own share, "
        "each epoch sees every sample once per worker (and `__len__`, if defined, is wrong by that factor; "
        "Lightning warns about it), so the model trains on duplicates."
    ),
    fix=(
        "In `__iter__`, take `torch.utils.data.get_worker_info()` and yield only every `num_workers`-th "
        "item from `worker_info.id` (or pass a `worker_init_fn` that narrows each copy's range), or use "
        "a map-style `Dataset`."
    ),
    # After public code: salesforce/AugTriever, src/adhoc/data/reproduce_datasets_nextepochhang.py
    # (a range IterableDataset under DataLoader(num_workers=8)), and the sharded __iter__ of the
    # PyTorch IterableDataset documentation.
    example=(
        "class Numbers(torch.utils.data.IterableDataset):\n"
        "    def __init__(self, start, end):\n"
        "        self.start, self.end = start, end\n"
        "    def __iter__(self):\n"
        "        return iter(range(self.start, self.end))\n"
        "loader = torch.utils.data.DataLoader(Numbers(0, 4), batch_size=2, num_workers=8)\n"
    ),
    clean_example=(
        "class Numbers(torch.utils.data.IterableDataset):\n"
        "    def __init__(self, start, end):\n"
        "        self.start, self.end = start, end\n"
        "    def __iter__(self):\n"
        "        info = torch.utils.data.get_worker_info()\n"
        "        step, first = (1, 0) if info is None else (info.num_workers, info.id)\n"
        "        return iter(range(self.start + first, self.end, step))\n"
        "loader = torch.utils.data.DataLoader(Numbers(0, 4), batch_size=2, num_workers=8)\n"
    ),
    check=check,
)
