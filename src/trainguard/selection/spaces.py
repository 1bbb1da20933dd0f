"""Declarative search spaces: one format for the candidates, ``--space`` files and ``trainguard.search``.

A space maps a parameter name to a distribution written as plain data, so it can live in a YAML
or TOML file and be read by every sampler (Optuna's TPE, random and grid samplers, and Ray Tune
through Optuna):

* ``{"type": "float", "low": 1e-3, "high": 100, "log": true}``
* ``{"type": "int", "low": 2, "high": 12}`` (``log`` and ``step`` optional)
* ``{"type": "categorical", "choices": ["sqrt", 0.5, 1.0]}``, or just the list ``["sqrt", 0.5]``

Every distribution may carry ``grid``: the values ``--search grid`` tries (default: five points
spread over the range, log-spaced when ``log`` is set; every choice of a categorical).

Choices are limited to what Optuna can store (None, bool, int, float, str); a candidate turns a
string such as ``"64-32"`` into a tuple itself (see ``Candidate.configure``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trainguard.errors import ConfigError

GRID_POINTS = 5
_SCALAR = (type(None), bool, int, float, str)


@dataclass(frozen=True)
class Dist:
    """One parameter's distribution; ``kind`` is ``int``, ``float`` or ``categorical``."""

    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: int | None = None
    choices: tuple[Any, ...] = ()
    grid: tuple[Any, ...] | None = None

    def grid_values(self) -> list[Any]:
        if self.grid is not None:
            return list(self.grid)
        if self.kind == "categorical":
            return list(self.choices)
        assert self.low is not None and self.high is not None
        if self.log:
            points = np.geomspace(self.low, self.high, GRID_POINTS)
        else:
            points = np.linspace(self.low, self.high, GRID_POINTS)
        if self.kind == "int":
            return sorted({int(round(p)) for p in points})
        return [float(f"{p:.6g}") for p in points]

    def to_optuna(self) -> Any:
        import optuna.distributions as od

        if self.kind == "categorical":
            return od.CategoricalDistribution(list(self.choices))
        if self.kind == "int":
            return od.IntDistribution(int(self.low), int(self.high), log=self.log, step=self.step or 1)
        return od.FloatDistribution(float(self.low), float(self.high), log=self.log)

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "categorical":
            out: dict[str, Any] = {"type": "categorical", "choices": list(self.choices)}
        else:
            out = {"type": self.kind, "low": self.low, "high": self.high}
            if self.log:
                out["log"] = True
            if self.step:
                out["step"] = self.step
        if self.grid is not None:
            out["grid"] = list(self.grid)
        return out


Space = dict[str, Dist]


def _bad(what: str, where: str) -> ConfigError:
    return ConfigError(
        what, where=where,
        fix='write each parameter as {type: float|int, low: L, high: H, log: true|false} or '
            '{type: categorical, choices: [...]} (or a plain list of choices)',
    )


def parse_dist(raw: Any, where: str) -> Dist:
    """One distribution from plain data, refusing anything a sampler could not use."""
    if isinstance(raw, list | tuple):
        raw = {"type": "categorical", "choices": list(raw)}
    if isinstance(raw, Dist):
        return raw
    if not isinstance(raw, Mapping):
        raise _bad(f"expected a distribution, got {raw!r}", where)
    kind = str(raw.get("type", "")).lower()
    unknown = set(raw) - {"type", "low", "high", "log", "step", "choices", "grid"}
    if unknown:
        raise _bad(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}", where)
    grid = raw.get("grid")
    if grid is not None and (not isinstance(grid, list | tuple) or not grid):
        raise _bad("'grid' must be a non-empty list of values", where)
    grid_t = tuple(grid) if grid is not None else None
    if kind == "categorical":
        choices = raw.get("choices")
        if not isinstance(choices, list | tuple) or not choices:
            raise _bad("a categorical needs a non-empty list 'choices'", where)
        if not all(isinstance(c, _SCALAR) for c in choices):
            raise _bad("choices must be numbers, strings, booleans or null", where)
        return Dist("categorical", choices=tuple(choices), grid=grid_t)
    if kind not in ("int", "float"):
        raise _bad(f"unknown type {raw.get('type')!r} (int, float or categorical)", where)
    low, high, log = raw.get("low"), raw.get("high"), bool(raw.get("log", False))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                  for v in (low, high))
    if not numeric or low > high:  # type: ignore[operator]
        raise _bad(f"'low' and 'high' must be finite numbers with low <= high, got {low!r}, {high!r}", where)
    if log and low <= 0:  # type: ignore[operator]
        raise _bad(f"a log-scaled range must be above 0, got low={low!r}", where)
    if kind == "int" and (int(low) != low or int(high) != high):  # type: ignore[arg-type]
        raise _bad(f"an int range needs whole numbers, got {low!r}, {high!r}", where)
    step = raw.get("step")
    if step is not None and (kind != "int" or not isinstance(step, int) or step < 1 or log):
        raise _bad("'step' is a positive whole number, for int ranges without log", where)
    if kind == "int":
        return Dist("int", int(low), int(high), log, step, grid=grid_t)  # type: ignore[arg-type]
    return Dist("float", float(low), float(high), log, grid=grid_t)  # type: ignore[arg-type]


def parse_space(raw: Any, where: str) -> Space:
    if not isinstance(raw, Mapping):
        raise _bad(f"expected a mapping of parameter names to distributions, got {type(raw).__name__}", where)
    return {str(name): parse_dist(dist, f"{where}: {name}") for name, dist in raw.items()}


def suggest(trial: Any, space: Space) -> dict[str, Any]:
    """Ask an Optuna trial for one value per parameter."""
    params: dict[str, Any] = {}
    for name, dist in space.items():
        if dist.kind == "categorical":
            params[name] = trial.suggest_categorical(name, list(dist.choices))
        elif dist.kind == "int":
            params[name] = trial.suggest_int(name, int(dist.low), int(dist.high), log=dist.log,
                                             step=dist.step or 1)
        else:
            params[name] = trial.suggest_float(name, float(dist.low), float(dist.high), log=dist.log)
    return params


def contains(dist: Dist, value: Any) -> bool:
    """Whether ``value`` is a legal draw (so a family's default can be the first trial)."""
    if dist.kind == "categorical":
        return any(value == c and type(value) is type(c) for c in dist.choices)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if dist.kind == "int" and int(value) != value:
        return False
    return dist.low <= value <= dist.high  # type: ignore[operator]


def with_choices(space: Space, name: str, allowed: list[Any]) -> Space:
    """``space`` with ``name`` a categorical over ``allowed``, kept to the choices the space
    already lists where it lists ``name`` (a ``--space`` file), the first allowed if none of those
    is; without ``name`` when nothing is allowed."""
    rest = {k: v for k, v in space.items() if k != name}
    if not allowed:
        return rest
    given = space.get(name)
    choices = [c for c in allowed if given is None or c in given.choices] or allowed[:1]
    return {**rest, name: Dist("categorical", choices=tuple(choices))}


def to_optuna(space: Space) -> dict[str, Any]:
    return {name: dist.to_optuna() for name, dist in space.items()}


def grid_of(space: Space) -> dict[str, list[Any]]:
    return {name: dist.grid_values() for name, dist in space.items()}


def grid_size(space: Space) -> int:
    return math.prod(len(v) for v in grid_of(space).values()) if space else 1


def read_space_file(path: str | Path, known: Mapping[str, Space]) -> dict[str, Space]:
    """``--space FILE``: per model family, parameters replacing (or adding to) its documented space.

    The file maps model names to spaces. A parameter the family does not document is refused,
    because a misspelt name would otherwise be searched in vain or fail late inside a fit.
    """
    file = Path(path)
    where = f"--space {file}"
    if not file.is_file():
        raise ConfigError("the search-space file does not exist", where=where,
                          fix="pass a YAML or TOML file mapping model names to parameter ranges")
    text = file.read_text(encoding="utf-8")
    try:
        if file.suffix.lower() == ".toml":
            raw: Any = tomllib.loads(text)
        elif file.suffix.lower() in (".yaml", ".yml"):
            import yaml

            raw = yaml.safe_load(text)
        else:
            raise ConfigError(f"unknown file type {file.suffix!r}", where=where,
                              fix="use a .yaml, .yml or .toml file")
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(f"the file cannot be parsed ({exc})".replace("\n", " "), where=where,
                          fix="fix the syntax; see the README's search-space example") from exc
    except Exception as exc:  # yaml.YAMLError: imported lazily, so caught broadly and re-raised
        raise ConfigError(f"the file cannot be parsed ({exc})".replace("\n", " "), where=where,
                          fix="fix the syntax; see the README's search-space example") from exc
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigError("the file holds no model spaces", where=where,
                          fix="map model names to parameters, e.g. 'random_forest: {max_depth: "
                              "{type: int, low: 2, high: 20}}'")
    spaces: dict[str, Space] = {}
    for model, params in raw.items():
        if model not in known:
            raise ConfigError(f"unknown model {model!r}", where=where,
                              fix=f"use one of: {', '.join(known)}")
        space = parse_space(params, f"{where}: {model}")
        documented = known[model]
        unknown = [p for p in space if p not in documented]
        if unknown:
            raise ConfigError(
                f"model {model!r} has no searchable parameter {', '.join(map(repr, unknown))}",
                where=where, fix=f"use one of: {', '.join(documented) or 'none (it has no space)'}",
            )
        spaces[str(model)] = {**documented, **space}
    return spaces
