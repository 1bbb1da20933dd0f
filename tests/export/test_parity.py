"""The comparison that decides whether an export is written."""

from __future__ import annotations

import numpy as np

from trainguard.export.parity import compare


def test_identical_predictions_pass():
    proba = np.array([[0.2, 0.8], [0.6, 0.4]])
    parity = compare(
        [10, 11],
        np.array(["b", "a"]),
        np.array(["b", "a"]),
        proba,
        proba + 1e-9,
        classification=True,
        classes=["a", "b"],
    )
    assert parity.ok and parity.label_mismatches == 0 and parity.max_difference < 1e-8


def test_a_different_label_and_probability_are_named_with_the_row():
    parity = compare(
        [10, 11],
        np.array(["b", "a"]),
        np.array(["b", "b"]),
        np.array([[0.2, 0.8], [0.6, 0.4]]),
        np.array([[0.2, 0.8], [0.6, 0.55]]),
        classification=True,
        classes=["a", "b"],
    )
    assert not parity.ok and parity.label_mismatches == 1
    assert "1 of 2 labels differ (first at data row 11: skops 'a', onnx 'b')" in parity.problems[0]
    assert "data row 11, class 'b'" in parity.problems[1] and "0.15" in parity.problems[1]


def test_regression_values_within_tolerance_and_missing_outputs():
    assert compare([1, 2], np.array([1.0, 2.0]), np.array([1.0 + 5e-6, 2.0]), classification=False).ok
    far = compare([1, 2], np.array([1.0, 2.0]), np.array([1.0, 2.1]), classification=False)
    assert "predictions differ by up to 0.1" in far.problems[0]
    nan = compare([1, 2], np.array([1.0, 2.0]), np.array([np.nan, 2.0]), classification=False)
    assert not nan.ok
