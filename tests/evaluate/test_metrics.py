"""Metrics match scikit-learn, undefined cases become None quietly, and the bootstrap is honest."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterator

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.svm import LinearSVC

from trainguard.errors import ConfigError
from trainguard.evaluate.bootstrap import ConfidenceInterval, _resample_values, bootstrap_ci
from trainguard.evaluate.metrics import (
    DEFAULT_METRIC,
    METRICS,
    Metric,
    default_metric,
    evaluate_predictions,
    get_metric,
)
from trainguard.evaluate.scoring import score


@pytest.fixture(autouse=True)
def _warnings_are_errors() -> Iterator[None]:
    """Users must never see sklearn's warnings from this module."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --------------------------------------------------------------------------------------------
# evaluate_predictions: binary
# --------------------------------------------------------------------------------------------


def test_perfect_binary_classifier_scores_one() -> None:
    y = np.array([0, 0, 1, 1, 0, 1])
    proba = np.column_stack([1 - y, y]).astype(float) * 0.9 + 0.05
    result = evaluate_predictions("binary", y, y, proba)
    for name in ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc"):
        assert result[name] == 1.0, name
    assert result["confusion_matrix"] == [[3, 0], [0, 3]]
    assert result["log_loss"] == pytest.approx(-math.log(0.95))


def test_binary_known_confusion_matrix() -> None:
    y_true = [0, 0, 0, 1, 1, 1, 1]
    y_pred = [0, 1, 0, 1, 1, 0, 1]
    result = evaluate_predictions("binary", y_true, y_pred, classes=[0, 1])
    assert result["confusion_matrix"] == [[2, 1], [1, 3]]
    assert result["accuracy"] == pytest.approx(5 / 7)
    assert result["precision"] == pytest.approx(3 / 4)
    assert result["recall"] == pytest.approx(3 / 4)
    assert result["f1"] == pytest.approx(3 / 4)
    assert result["balanced_accuracy"] == pytest.approx((2 / 3 + 3 / 4) / 2)
    assert result["positive_class"] == 1


def test_binary_string_labels_use_second_class_as_positive() -> None:
    y_true = np.array(["no", "yes", "yes", "no", "yes", "no"], dtype=object)
    y_pred = np.array(["no", "yes", "no", "yes", "yes", "no"], dtype=object)
    p_yes = np.array([0.2, 0.9, 0.4, 0.6, 0.7, 0.1])
    proba = np.column_stack([1 - p_yes, p_yes])
    result = evaluate_predictions("binary", y_true, y_pred, proba, classes=np.array(["no", "yes"]))

    assert result["classes"] == ["no", "yes"]
    assert result["positive_class"] == "yes"
    expected_precision = skm.precision_score(y_true, y_pred, pos_label="yes")
    assert result["precision"] == pytest.approx(expected_precision)
    assert result["recall"] == pytest.approx(2 / 3)
    assert result["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true == "yes", p_yes))
    assert result["pr_auc"] == pytest.approx(skm.average_precision_score(y_true == "yes", p_yes))
    assert result["log_loss"] == pytest.approx(skm.log_loss(y_true, proba, labels=["no", "yes"]))
    assert result["confusion_matrix"] == [[2, 1], [1, 2]]
    assert all(type(label) is str for label in result["classes"])


def test_probability_metrics_are_none_without_proba() -> None:
    result = evaluate_predictions("binary", [0, 1, 1], [0, 1, 0])
    assert result["roc_auc"] is None and result["pr_auc"] is None and result["log_loss"] is None
    assert result["accuracy"] == pytest.approx(2 / 3)


def test_single_class_in_y_true_gives_none_not_an_error() -> None:
    proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    result = evaluate_predictions("binary", [0, 0, 0], [0, 1, 0], proba, classes=[0, 1])
    assert result["roc_auc"] is None
    assert result["pr_auc"] is None
    assert result["precision"] == 0.0  # zero_division=0: a wrong positive, no right ones
    assert result["recall"] == 0.0
    json.dumps(result)


def test_labels_derived_from_proba_when_y_pred_missing() -> None:
    proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.1, 0.9]])
    result = evaluate_predictions("binary", ["a", "b", "b", "b"], None, proba, classes=["a", "b"])
    assert result["confusion_matrix"] == [[1, 0], [1, 2]]


# --------------------------------------------------------------------------------------------
# evaluate_predictions: multiclass and regression
# --------------------------------------------------------------------------------------------


def test_multiclass_with_class_absent_from_y_true() -> None:
    classes = np.array([0, 1, 2])
    y_true = np.array([0, 1, 1, 0])
    y_pred = np.array([0, 1, 2, 0])
    proba = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.3, 0.6], [0.7, 0.2, 0.1]])
    result = evaluate_predictions("multiclass", y_true, y_pred, proba, classes=classes)

    assert result["roc_auc_ovr"] is None
    assert result["log_loss"] == pytest.approx(skm.log_loss(y_true, proba, labels=[0, 1, 2]))
    assert result["confusion_matrix"] == [[2, 0, 0], [0, 1, 1], [0, 0, 0]]
    assert result["classes"] == [0, 1, 2]
    assert all(type(label) is int for label in result["classes"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected_f1 = skm.f1_score(y_true, y_pred, average="macro", zero_division=0)
    assert result["f1_macro"] == pytest.approx(expected_f1)
    json.dumps(result)


def test_multiclass_matches_sklearn_with_unsorted_classes() -> None:
    rng = np.random.default_rng(3)
    classes = np.array(["c", "a", "b"])  # proba columns follow this order, not sorted order
    y_true = rng.choice(classes, size=40)
    proba = rng.dirichlet(np.ones(3), size=40)
    y_pred = classes[proba.argmax(axis=1)]
    result = evaluate_predictions("multiclass", y_true, y_pred, proba, classes=classes)

    sorted_proba = proba[:, np.argsort(classes)]
    assert result["roc_auc_ovr"] == pytest.approx(
        skm.roc_auc_score(y_true, sorted_proba, multi_class="ovr", labels=["a", "b", "c"])
    )
    assert result["log_loss"] == pytest.approx(skm.log_loss(y_true, sorted_proba))
    assert result["f1_weighted"] == pytest.approx(skm.f1_score(y_true, y_pred, average="weighted"))
    assert result["balanced_accuracy"] == pytest.approx(
        skm.balanced_accuracy_score(y_true, y_pred)
    )
    assert result["classes"] == ["c", "a", "b"]


def test_regression_known_values() -> None:
    result = evaluate_predictions("regression", [1, 2, 3], [1, 2, 5])
    assert result["mse"] == pytest.approx(4 / 3)
    assert result["rmse"] == pytest.approx(math.sqrt(4 / 3))
    assert result["mae"] == pytest.approx(2 / 3)
    assert result["median_ae"] == 0.0
    assert result["r2"] == pytest.approx(skm.r2_score([1, 2, 3], [1, 2, 5]))
    assert result["mape"] == pytest.approx((2 / 3) / 3)
    assert "mape_note" not in result


def test_regression_mape_undefined_with_zero_target() -> None:
    result = evaluate_predictions("regression", [0.0, 2.0, 3.0], [0.5, 2.0, 3.0])
    assert result["mape"] is None
    assert result["mape_note"] == "undefined: target has zeros"
    assert result["mae"] == pytest.approx(0.5 / 3)
    json.dumps(result)


def test_regression_nan_prediction_gives_none() -> None:
    result = evaluate_predictions("regression", [1.0, 2.0], [1.0, float("nan")])
    assert result["rmse"] is None
    json.dumps(result, allow_nan=False)


def test_all_reports_are_strict_json() -> None:
    y = np.array([1, 2, 2, 1], dtype=np.int64)
    binary = evaluate_predictions("binary", y, y[::-1], np.full((4, 2), 0.5))
    assert set(binary) >= {"accuracy", "roc_auc", "confusion_matrix", "classes", "positive_class"}
    json.dumps(binary, allow_nan=False)
    assert type(binary["positive_class"]) is int


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "task", "expected"),
    [
        ("auc", "binary", "roc_auc"),
        ("AUC", "binary", "roc_auc"),
        ("f1", "binary", "f1"),
        ("logloss", "multiclass", "log_loss"),
        ("mse", "regression", "mse"),
        ("r2", "regression", "r2"),
        ("accuracy", "multiclass", "accuracy"),
        ("balanced-accuracy", "binary", "balanced_accuracy"),
        ("pr_auc", "binary", "pr_auc"),
        ("average_precision", "binary", "pr_auc"),
        ("roc_auc", "multiclass", "roc_auc_ovr"),
    ],
)
def test_get_metric_accepts_aliases(name: str, task: str, expected: str) -> None:
    assert get_metric(name, task).name == expected


@pytest.mark.parametrize(
    ("name", "task"), [("nope", "binary"), ("rmse", "binary"), ("f1", "multiclass")]
)
def test_get_metric_errors_explain_the_fix(name: str, task: str) -> None:
    with pytest.raises(ConfigError) as caught:
        get_metric(name, task)
    message = str(caught.value)
    assert message.startswith("--metric: ")
    assert "Fix: choose one of:" in message
    assert "\n" not in message
    assert name in message


def test_registry_and_defaults() -> None:
    for task, name in DEFAULT_METRIC.items():
        assert default_metric(task) == name
        assert task in METRICS[name].tasks
    assert METRICS["roc_auc"].needs_proba and METRICS["roc_auc"].greater_is_better
    assert not METRICS["log_loss"].greater_is_better
    assert not METRICS["rmse"].needs_proba and not METRICS["rmse"].greater_is_better
    with pytest.raises(ConfigError):
        default_metric("ranking")


def test_metric_is_callable_and_nan_when_undefined() -> None:
    roc_auc = METRICS["roc_auc"]
    assert roc_auc([0, 1, 1], proba=[[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]], classes=[0, 1]) == 1.0
    assert math.isnan(roc_auc([1, 1], proba=[[0.9, 0.1], [0.2, 0.8]], classes=[0, 1]))
    with pytest.raises(ValueError, match="probabilities"):
        roc_auc([0, 1], [0, 1])


# --------------------------------------------------------------------------------------------
# bootstrap
# --------------------------------------------------------------------------------------------


def _accuracy_data(n: int, rate: float = 0.8, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, size=n)
    correct = rng.random(n) < rate
    return y_true, np.where(correct, y_true, 1 - y_true)


def test_bootstrap_is_reproducible_and_brackets_the_value() -> None:
    y_true, y_pred = _accuracy_data(300)
    first = bootstrap_ci(METRICS["accuracy"], y_true, y_pred, n_resamples=200, seed=7)
    again = bootstrap_ci(METRICS["accuracy"], y_true, y_pred, n_resamples=200, seed=7)
    other = bootstrap_ci(METRICS["accuracy"], y_true, y_pred, n_resamples=200, seed=8)
    assert first == again
    assert (first.low, first.high) != (other.low, other.high)
    assert first.low <= first.value <= first.high
    assert first.value == skm.accuracy_score(y_true, y_pred)
    assert first.n_valid == 200


def test_bootstrap_width_matches_binomial_error() -> None:
    y_true, y_pred = _accuracy_data(2000)
    ci = bootstrap_ci(METRICS["accuracy"], y_true, y_pred, level=0.95, seed=0)
    half_width = (ci.high - ci.low) / 2
    expected = 1.96 * math.sqrt(ci.value * (1 - ci.value) / 2000)  # ~0.018 at 80%
    assert half_width == pytest.approx(expected, rel=0.2)
    narrower = bootstrap_ci(METRICS["accuracy"], y_true, y_pred, level=0.5, seed=0)
    assert narrower.high - narrower.low < ci.high - ci.low


def test_bootstrap_wider_with_fewer_rows() -> None:
    y_true, y_pred = _accuracy_data(2000)
    many = bootstrap_ci(METRICS["f1"], y_true, y_pred, n_resamples=300)
    few = bootstrap_ci(METRICS["f1"], y_true[:100], y_pred[:100], n_resamples=300)
    assert few.high - few.low > 2 * (many.high - many.low)


def test_bootstrap_mostly_undefined_gives_nan_interval() -> None:
    # One row per class: only 2 in 9 resamples contain every class, which one-vs-rest AUC needs.
    proba = np.array([[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.2, 0.2, 0.6]])
    metric = METRICS["roc_auc_ovr"]
    ci = bootstrap_ci(metric, [0, 1, 2], proba=proba, classes=[0, 1, 2], n_resamples=200)
    assert ci.value == 1.0
    assert math.isnan(ci.low) and math.isnan(ci.high)
    assert ci.n_valid is not None and 0 < ci.n_valid < 100
    assert json.loads(json.dumps(ci.to_dict()))["low"] is None


def test_bootstrap_skips_undefined_resamples() -> None:
    y_true = np.zeros(40, dtype=int)
    y_true[:2] = 1  # about 1 resample in 7 has no positive
    proba = np.column_stack([np.linspace(1, 0, 40), np.linspace(0, 1, 40)])
    ci = bootstrap_ci(METRICS["roc_auc"], y_true, proba=proba, classes=[0, 1], n_resamples=200)
    assert ci.n_valid is not None and 100 < ci.n_valid < 200
    assert ci.low <= ci.value <= ci.high


def test_bootstrap_undefined_on_full_data() -> None:
    ci = bootstrap_ci(METRICS["roc_auc"], [0, 0], proba=[[0.6, 0.4], [0.7, 0.3]], classes=[0, 1])
    assert math.isnan(ci.value) and math.isnan(ci.low)
    assert ci.to_dict()["value"] is None


def test_bootstrap_to_dict_round_trips_through_json() -> None:
    ci = ConfidenceInterval("rmse", 1.5, 1.2, 1.9, 0.95, 1000, 1000)
    assert json.loads(json.dumps(ci.to_dict())) == {
        "metric": "rmse",
        "value": 1.5,
        "low": 1.2,
        "high": 1.9,
        "level": 0.95,
        "n_resamples": 1000,
        "n_valid": 1000,
    }


def test_bootstrap_roc_auc_on_ten_thousand_rows() -> None:
    # Speed is measured in benchmarks/, not asserted here (shared, noisy machines).
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=10_000)
    p = np.clip(0.3 * y + 0.7 * rng.random(10_000), 0, 1)
    ci = bootstrap_ci(METRICS["roc_auc"], y, proba=np.column_stack([1 - p, p]), classes=[0, 1])
    assert ci.low < ci.value < ci.high


Problem = tuple[np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray | None]


def _small_problems() -> dict[str, Problem]:
    """Tiny, tied and imbalanced data, so some resamples leave a metric undefined."""
    rng = np.random.default_rng(5)
    yes = np.array(["no"] * 10 + ["yes"], dtype=object)
    p_yes = np.round(0.3 + rng.normal(0, 0.2, 11), 1).clip(0, 1)
    p_yes[-1] = 0.4  # the positive ranks mid-field and ties with negatives
    binary_pred = np.where(p_yes > 0.35, "yes", "no")

    labels = np.array(["b", "c", "a"])
    multi = labels[np.array([0] * 5 + [1] * 4 + [2])]
    multi_proba = np.round(rng.dirichlet(np.ones(3), size=10), 1) + 0.05
    multi_proba /= multi_proba.sum(axis=1, keepdims=True)
    # "a" is predicted only on its own row, so some resamples lack it from both sides.
    multi_pred = np.array(["b", "c", "b", "b", "b", "c", "c", "b", "c", "a"])

    target = np.round(rng.normal(3, 1, 15), 1)
    return {
        "binary": (yes, binary_pred, np.column_stack([1 - p_yes, p_yes]), np.array(["no", "yes"])),
        "multiclass": (multi, multi_pred, multi_proba, labels),
        "regression": (target, np.round(target + rng.normal(0, 1, 15), 1), None, None),
    }


@pytest.mark.parametrize(
    ("name", "task"), [(name, task) for name in METRICS for task in sorted(METRICS[name].tasks)]
)
def test_vectorised_resamples_equal_sklearn_on_each_resample(name: str, task: str) -> None:
    """The bootstrap scores resamples without sklearn for speed; it must agree with sklearn."""
    metric = METRICS[name]
    y_true, y_pred, proba, classes = _small_problems()[task]
    n_resamples = 20

    rng = np.random.default_rng(11)
    expected = []
    for _ in range(n_resamples):
        idx = rng.integers(0, len(y_true), size=len(y_true))
        expected.append(
            metric(
                y_true[idx],
                None if y_pred is None else y_pred[idx],
                None if proba is None else proba[idx],
                classes=classes,
            )
        )
    inputs = metric._prepare(y_true, y_pred, proba, classes)
    got = _resample_values(metric, inputs, n_resamples, np.random.default_rng(11))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_metric_without_vectorised_form_still_bootstraps() -> None:
    accuracy = METRICS["accuracy"].compute
    plain = Metric("accuracy", True, False, frozenset({"binary"}), compute=accuracy)
    y_true, y_pred = _accuracy_data(50)
    slow = bootstrap_ci(plain, y_true, y_pred, n_resamples=30, seed=2)
    fast = bootstrap_ci(METRICS["accuracy"], y_true, y_pred, n_resamples=30, seed=2)
    assert (slow.low, slow.high) == pytest.approx((fast.low, fast.high))


# --------------------------------------------------------------------------------------------
# score
# --------------------------------------------------------------------------------------------


def _binary_dataset() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = np.where(X[:, 0] + rng.normal(0, 0.7, 80) > 0, "yes", "no")
    return X, y


def test_score_uses_proba_or_labels_as_the_metric_needs() -> None:
    X, y = _binary_dataset()
    model = LogisticRegression().fit(X, y)
    p_yes = model.predict_proba(X)[:, 1]
    assert score(get_metric("roc_auc", "binary"), model, X, y) == pytest.approx(
        skm.roc_auc_score(y == "yes", p_yes)
    )
    assert score(get_metric("accuracy", "binary"), model, X, y) == pytest.approx(model.score(X, y))


def test_score_aligns_proba_to_given_classes() -> None:
    X, y = _binary_dataset()
    model = LogisticRegression().fit(X, y)
    classes = np.array(["maybe", "no", "yes"])  # a class the model never saw in training
    value = score(get_metric("log_loss", "multiclass"), model, X, y, classes=classes)
    proba = np.column_stack([np.zeros(len(y)), model.predict_proba(X)])
    assert value == pytest.approx(skm.log_loss(y, proba, labels=["maybe", "no", "yes"]))


def test_score_regression_and_model_without_proba() -> None:
    X, y = _binary_dataset()
    target = X @ np.array([1.0, -2.0, 0.5])
    reg = LinearRegression().fit(X, target)
    assert score(get_metric("rmse", "regression"), reg, X, target) == pytest.approx(0, abs=1e-9)
    with pytest.raises(ConfigError, match="Fix:"):
        score(get_metric("roc_auc", "binary"), LinearSVC().fit(X, y), X, y)
