"""The rule registry: one module per rule in this package, found at import time.

Each module ``tgNNN_rule_name.py`` holds ``RULE``, a :class:`~trainguard.lint.rule.Rule`: its code,
severity, one-line message, why, fix, a flagged and a clean example, and its check (like ruff's one
module per rule, registered in one place). Everything a user reads about a rule (``trainguard lint
--explain CODE``, the pages under ``docs/lint/``, SARIF rule metadata) is rendered from the registry,
and the tests read the same registry, so the text cannot drift from the behaviour.

Codes are stable: a code is never reused for a different mistake. Ranges: TG0xx the linter itself,
TG1xx leakage through data preparation, TG2xx the test set misused, TG3xx time, TG4xx neural-network
training, TG5xx reproducibility. To add a rule, add a module here (named after its code and name) and
its fixtures under ``tests/lint/fixtures/<CODE>/``, then run ``scripts/gen_lint_docs.py``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from trainguard.lint.rule import Rule

_CODE = re.compile(r"TG\d{3}")


def discover(package: str = __name__) -> tuple[Rule, ...]:
    """Every rule module of ``package``, checked for a well-formed, unique code, in code order."""
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        rule = getattr(module, "RULE", None)
        where = f"{package}.{info.name}"
        if not isinstance(rule, Rule):
            raise TypeError(f"{where} defines no RULE: a rule module must hold RULE = Rule(...)")
        if not _CODE.fullmatch(rule.code) or info.name != rule.module:
            raise ValueError(f"{where} holds {rule.code} {rule.name}: name the module {rule.module}.py")
        if rule.code in found:
            raise ValueError(f"{where} reuses {rule.code}, already taken by {found[rule.code].module}")
        found[rule.code] = rule
    return tuple(found[code] for code in sorted(found))


RULES: tuple[Rule, ...] = discover()
BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}

__all__ = ["BY_CODE", "RULES", "Rule", "discover"]
