"""trainguard's ``DatetimeFeatures`` (calendar parts of datetime columns) in ONNX operators.

A datetime column enters the graph as a double: whole seconds since 1970-01-01 UTC, NaN when
missing (:func:`trainguard.export.inputs.onnx_feed`). The parts pandas computes (year, month, day,
day of week with Monday 0, day of year, and the hour when the column had times of day in fit) are
integer arithmetic on the day number: Howard Hinnant's ``civil_from_days`` and ``days_from_civil``
(https://howardhinnant.github.io/date_algorithms.html), valid for the proleptic Gregorian calendar
pandas uses. Floor divisions are ``Floor(Div)`` in double precision, exact for integers far beyond
any date pandas can hold; NaN flows through every operator, so a missing date gives NaN parts,
as pandas' ``.dt`` accessors do.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto

from trainguard.export.converters.heads import constant, feature_matrix, node
from trainguard.features.preprocess import DatetimeFeatures

SECONDS_PER_DAY = 86_400.0
SECONDS_PER_HOUR = 3_600.0
#: Days from 0000-03-01 (the algorithm's epoch, an era starting after a leap day) to 1970-01-01.
EPOCH_SHIFT = 719_468.0
DAYS_PER_ERA = 146_097.0  # 400 Gregorian years
THURSDAY = 3.0  # 1970-01-01, with Monday 0 as in pandas


def parts_per_column(transformer: DatetimeFeatures) -> list[int]:
    return [6 if transformer.has_time_[str(c)] else 5 for c in transformer.feature_names_in_]


class _Ops:
    """Small helpers that add one double-precision ONNX node each and return its output name."""

    def __init__(self, scope: Any, container: Any) -> None:
        self.scope, self.container = scope, container

    def _node(self, op: str, inputs: list[str], **attrs: Any) -> str:
        return node(self.scope, self.container, op, inputs, **attrs)

    def const(self, value: float) -> str:
        return constant(self.scope, self.container, "c", float(value))

    def add(self, a: str, b: str) -> str:
        return self._node("Add", [a, b])

    def sub(self, a: str, b: str) -> str:
        return self._node("Sub", [a, b])

    def mul(self, a: str, k: float) -> str:
        return self._node("Mul", [a, self.const(k)])

    def plus(self, a: str, k: float) -> str:
        return self._node("Add", [a, self.const(k)])

    def floordiv(self, a: str, k: float) -> str:
        return self._node("Floor", [self._node("Div", [a, self.const(k)])])

    def floormod(self, a: str, k: float) -> str:
        return self.sub(a, self.mul(self.floordiv(a, k), k))

    def where_less(self, a: str, k: float, then: str, otherwise: str) -> str:
        return self._node("Where", [self._node("Less", [a, self.const(k)]), then, otherwise])

    def is_at_most(self, a: str, k: float) -> str:
        return self._node("Cast", [self._node("LessOrEqual", [a, self.const(k)])], to=TensorProto.DOUBLE)


def _era_parts(ops: _Ops, shifted: str) -> tuple[str, str]:
    era = ops.floordiv(shifted, DAYS_PER_ERA)
    return era, ops.sub(shifted, ops.mul(era, DAYS_PER_ERA))  # (era, day of era)


def _civil_from_days(ops: _Ops, days: str) -> tuple[str, str, str]:
    era, doe = _era_parts(ops, ops.plus(days, EPOCH_SHIFT))
    # year of era = (doe - doe/1460 + doe/36524 - doe/146096) / 365
    yoe = ops.floordiv(
        ops.sub(
            ops.add(ops.sub(doe, ops.floordiv(doe, 1460)), ops.floordiv(doe, 36524)),
            ops.floordiv(doe, 146096),
        ),
        365,
    )
    doy = ops.sub(doe, ops.sub(ops.add(ops.mul(yoe, 365), ops.floordiv(yoe, 4)), ops.floordiv(yoe, 100)))
    mp = ops.floordiv(ops.plus(ops.mul(doy, 5), 2), 153)  # March = 0
    day = ops.plus(ops.sub(doy, ops.floordiv(ops.plus(ops.mul(mp, 153), 2), 5)), 1)
    month = ops.where_less(mp, 10, ops.plus(mp, 3), ops.plus(mp, -9))
    year = ops.add(ops.add(yoe, ops.mul(era, 400)), ops.is_at_most(month, 2))
    return year, month, day


def _days_to_january_first(ops: _Ops, year: str) -> str:
    """days_from_civil(year, 1, 1): January is month 10 of the previous March-based year."""
    march_year = ops.plus(year, -1)
    era = ops.floordiv(march_year, 400)
    yoe = ops.sub(march_year, ops.mul(era, 400))
    day_of_march_year = 306.0  # (153 * 10 + 2) // 5 for January 1
    doe = ops.plus(
        ops.sub(ops.add(ops.mul(yoe, 365), ops.floordiv(yoe, 4)), ops.floordiv(yoe, 100)), day_of_march_year
    )
    return ops.plus(ops.add(ops.mul(era, DAYS_PER_ERA), doe), -EPOCH_SHIFT)


def _shape(operator: Any) -> None:
    from skl2onnx.common.data_types import DoubleTensorType

    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = DoubleTensorType([n, sum(parts_per_column(operator.raw_operator))])


def _convert(scope: Any, operator: Any, container: Any) -> None:
    ops = _Ops(scope, container)
    source = feature_matrix(scope, operator, container)
    parts: list[str] = []
    for i, width in enumerate(parts_per_column(operator.raw_operator)):
        index = constant(scope, container, "column", np.array([i], dtype=np.int64))
        seconds = ops._node("Gather", [source, index], axis=1)  # [N, 1]
        days = ops.floordiv(seconds, SECONDS_PER_DAY)
        year, month, day = _civil_from_days(ops, days)
        weekday = ops.floormod(ops.plus(days, THURSDAY), 7)
        day_of_year = ops.plus(ops.sub(days, _days_to_january_first(ops, year)), 1)
        parts += [year, month, day, weekday, day_of_year]
        if width == 6:
            parts.append(ops.floordiv(ops.sub(seconds, ops.mul(days, SECONDS_PER_DAY)), SECONDS_PER_HOUR))
    node(scope, container, "Concat", parts, operator.outputs[0].full_name, axis=1)


def register() -> None:
    from skl2onnx import update_registered_converter

    update_registered_converter(
        DatetimeFeatures, "TrainguardDatetimeFeatures", _shape, _convert, overwrite=True
    )
