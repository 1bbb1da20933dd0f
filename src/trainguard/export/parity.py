"""Does the ONNX model predict what the skops model predicts? Pure comparisons, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: Largest difference allowed between skops and ONNX probabilities or regression values.
TOLERANCE = 1e-5


@dataclass
class Parity:
    rows: int
    label_mismatches: int = 0
    max_difference: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def compare_labels(expected: np.ndarray, got: np.ndarray, rows: Sequence[object]) -> tuple[int, list[str]]:
    expected, got = np.asarray(expected).ravel(), np.asarray(got).ravel()
    differ = np.flatnonzero(expected.astype(str) != got.astype(str))
    if len(differ) == 0:
        return 0, []
    first = differ[0]
    return len(differ), [
        f"{len(differ)} of {len(expected)} labels differ (first at data row {rows[first]}: "
        f"skops {expected[first].item()!r}, onnx {got[first].item()!r})"
    ]


def compare_values(
    expected: np.ndarray,
    got: np.ndarray,
    rows: Sequence[object],
    what: str,
    columns: Sequence[object] | None = None,
    tolerance: float = TOLERANCE,
) -> tuple[float, list[str]]:
    expected = np.asarray(expected, dtype=float).reshape(len(rows), -1)
    got = np.asarray(got, dtype=float).reshape(len(rows), -1)
    if expected.shape != got.shape:
        return float("inf"), [f"{what}: skops gives shape {expected.shape}, onnx {got.shape}"]
    difference = np.abs(expected - got)
    difference[np.isnan(expected) & np.isnan(got)] = 0.0
    difference[np.isnan(expected) ^ np.isnan(got)] = np.inf
    if difference.size == 0:
        return 0.0, []
    worst = float(difference.max())
    if worst <= tolerance:
        return worst, []
    row, column = np.unravel_index(int(np.argmax(difference)), difference.shape)
    name = f", class {columns[column]!r}" if columns is not None else ""
    return worst, [
        f"{what} differ by up to {worst:.3g} (allowed {tolerance:g}) at data row {rows[row]}{name}: "
        f"skops {expected[row, column]:.10g}, onnx {got[row, column]:.10g}"
    ]


def compare(
    rows: Sequence[object],
    expected_labels: np.ndarray,
    got_labels: np.ndarray,
    expected_values: np.ndarray | None = None,
    got_values: np.ndarray | None = None,
    *,
    classification: bool,
    classes: Sequence[object] | None = None,
) -> Parity:
    """Labels must be identical (classification); probabilities or values within :data:`TOLERANCE`."""
    parity = Parity(rows=len(rows))
    if classification:
        parity.label_mismatches, problems = compare_labels(expected_labels, got_labels, rows)
        parity.problems += problems
        if expected_values is not None and got_values is not None:
            parity.max_difference, problems = compare_values(
                expected_values, got_values, rows, "probabilities", classes
            )
            parity.problems += problems
    else:
        parity.max_difference, problems = compare_values(expected_labels, got_labels, rows, "predictions")
        parity.problems += problems
    return parity
