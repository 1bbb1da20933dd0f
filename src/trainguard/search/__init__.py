"""Model selection and hyperparameter search; ``trainguard.search(...)`` is also the search API.

The package is callable because ``trainguard.search`` names both this stage folder and the
public function (see :func:`trainguard.search.api.search`): once any submodule is imported,
Python sets the attribute ``trainguard.search`` to this package, so the package itself must be
the function's front door.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from trainguard.search.api import search

        return search(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
