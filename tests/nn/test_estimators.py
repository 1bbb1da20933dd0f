"""NeuralNetClassifier / NeuralNetRegressor: scikit-learn compatibility, nested params, saving, guards."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks
from torch import nn

from trainguard.nn import GradientClipping, NonFiniteError
from trainguard.nn.estimators import (
    InvalidParameterError,
    NeuralNetClassifier,
    NeuralNetRegressor,
    random_holdout,
    stratified_holdout,
)

FAST = {"max_epochs": 8, "hidden_layer_sizes": (16,)}


def _blobs(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two well-separated classes with string labels, so label handling is exercised too."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0, "churn", "stay")
    return X, y


def _linear(n: int = 120, seed: int = 0, targets: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ rng.normal(size=(3, targets)) * 50 + 1000  # far from 0: the target scaling matters
    return X, y[:, 0] if targets == 1 else y


# --- the scikit-learn contract ---------------------------------------------------------------------


# Default constructor arguments, as check_estimator requires; no tag relaxes any check.
@parametrize_with_checks([NeuralNetClassifier(), NeuralNetRegressor()])
def test_passes_sklearn_check_estimator(estimator, check):
    check(estimator)


def test_grid_search_over_lr_and_a_nested_callback_setting():
    X, y = _blobs(80)
    grid = {"lr": [1e-3, 1e-2], "callbacks__early_stopping__patience": [1, 3]}
    search = GridSearchCV(NeuralNetClassifier(**FAST), grid, cv=2, error_score="raise").fit(X, y)
    best = search.best_estimator_
    assert set(search.best_params_) == set(grid)
    assert best.patience == search.best_params_["callbacks__early_stopping__patience"]
    assert best.callbacks_["early_stopping"].patience == best.patience
    assert best.trainer_.optimizer.param_groups[0]["lr"] == search.best_params_["lr"]


def test_nested_params_are_listed_routed_and_survive_clone():
    net = NeuralNetClassifier().set_params(optimizer__weight_decay=1e-4, optimizer__lr=0.01)
    assert net.lr == 0.01  # optimizer__lr is another name for lr
    deep, shallow = net.get_params(deep=True), net.get_params(deep=False)
    assert deep["optimizer__weight_decay"] == 1e-4 and deep["optimizer__lr"] == 0.01
    assert deep["optimizer__betas"] == (0.9, 0.999)  # accepted keys are discoverable
    assert deep["callbacks__early_stopping__min_delta"] == 0.0
    assert "optimizer__weight_decay" not in shallow  # the constructor's arguments only
    copy = clone(net)
    assert copy.get_params(deep=True)["optimizer__weight_decay"] == 1e-4 and copy.lr == 0.01


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"lrr": 1.0}, "invalid parameter 'lrr'"),
        ({"optimiser__lr": 1.0}, "invalid nested parameter"),
        ({"callbacks__patience": 3}, "invalid nested parameter"),
    ],
)
def test_set_params_refuses_unknown_names_at_once(params, match):
    with pytest.raises(InvalidParameterError, match=match):
        NeuralNetClassifier().set_params(**params)


def test_bad_values_fail_at_fit_with_a_fix():
    X, y = _blobs(40)
    with pytest.raises(InvalidParameterError, match="takes no argument 'momentum'.*Fix"):
        NeuralNetClassifier(**FAST).set_params(optimizer__momentum=0.9).fit(X, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        NeuralNetClassifier(hidden_layer_sizes=(0,)).fit(X, y)
    with pytest.raises(InvalidParameterError, match="no callback is named 'clip'"):
        NeuralNetClassifier(**FAST).set_params(callbacks__clip__max_norm=1.0).fit(X, y)


def test_pickle_round_trip_predicts_the_same():
    X, y = _blobs()
    clf = NeuralNetClassifier(**FAST).fit(X, y)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.trainer_ is None and list(loaded.classes_) == ["churn", "stay"]
    X, Y = _linear(targets=2)
    reg = NeuralNetRegressor(**FAST, batch_norm=True, dropout=0.1).fit(X, Y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), reg.predict(X))


# --- what the estimators learn ---------------------------------------------------------------------


def test_classifier_learns_string_labels_with_two_logit_probabilities():
    X, y = _blobs()
    clf = NeuralNetClassifier(max_epochs=40).fit(pd.DataFrame(X, columns=list("abcd")), y)
    proba = clf.predict_proba(pd.DataFrame(X, columns=list("abcd")))
    assert proba.shape == (len(X), 2) and clf.n_outputs_ == 2
    assert list(clf.feature_names_in_) == list("abcd") and clf.n_features_in_ == 4
    assert clf.score(pd.DataFrame(X, columns=list("abcd")), y) > 0.9
    assert 1 <= clf.best_epoch_ <= clf.n_epochs_ <= 40 and len(clf.history_) == clf.n_epochs_


def test_regressor_handles_far_from_zero_and_multi_output_targets():
    X, y = _linear()
    reg = NeuralNetRegressor(max_epochs=60).fit(X, y)
    assert reg.predict(X).shape == (len(X),) and reg.score(X, y) > 0.9
    X, Y = _linear(targets=2)
    reg2 = NeuralNetRegressor(**FAST).fit(X, Y)
    assert reg2.predict(X).shape == (len(X), 2) and reg2.n_outputs_ == 2


def test_early_stopping_uses_explicit_validation_rows_and_keeps_the_best_epoch():
    X, y = _blobs(160)
    clf = NeuralNetClassifier(max_epochs=200, patience=2, lr=0.05)
    clf.fit(X[:100], y[:100], X_val=X[100:], y_val=y[100:])
    val_losses = [record["val_loss"] for record in clf.history_]
    assert clf.n_epochs_ < 200  # stopped
    assert clf.n_epochs_ - clf.best_epoch_ == 2
    assert clf.best_epoch_ == int(np.argmin(val_losses)) + 1


def test_partial_fit_continues_one_epoch_at_a_time():
    X, y = _blobs(60)
    clf = NeuralNetClassifier(**FAST)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X, y, classes=["churn", "stay"])
    first = {k: v.clone() for k, v in clf.module_.state_dict().items()}
    clf.partial_fit(X, y)
    assert clf.n_epochs_ == 2 and len(clf.history_) == 2
    moved = [not torch.equal(first[k], v) for k, v in clf.module_.state_dict().items()]
    assert any(moved)
    with pytest.raises(ValueError, match="X has 3 features"):
        clf.partial_fit(X[:, :3], y)


def test_class_weight_shifts_predictions_to_the_heavy_class():
    X, y = _blobs(100)
    plain = NeuralNetClassifier(**FAST, early_stopping=False).fit(X, y)
    heavy = NeuralNetClassifier(**FAST, early_stopping=False, class_weight={"churn": 50.0}).fit(X, y)
    assert (heavy.predict(X) == "churn").sum() > (plain.predict(X) == "churn").sum()
    balanced = NeuralNetClassifier(**FAST, class_weight="balanced").fit(X, y)
    assert balanced.class_weight_.shape == (2,)


class _Net(nn.Module):
    """A user module in the documented contract: sizes by name, its own settings as module__*."""

    def __init__(self, in_features: int, out_features: int, hidden: int = 8) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_features, hidden), nn.Tanh(), nn.Linear(hidden, out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def test_custom_module_gets_inferred_sizes_and_module_params():
    X, y = _blobs(60)
    clf = NeuralNetClassifier(_Net, max_epochs=3).set_params(module__hidden=5).fit(X, y)
    assert clf.module_.body[0].out_features == 5 and clf.module_.body[2].out_features == 2
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict(X), clf.predict(X))
    with pytest.raises(InvalidParameterError, match="module=None builds the built-in MLP"):
        NeuralNetClassifier(max_epochs=3).set_params(module__hidden=5).fit(X, y)


def test_user_callbacks_are_named_copied_and_configurable():
    X, y = _blobs(60)
    clip = GradientClipping(max_value=10.0)
    clf = NeuralNetClassifier(**FAST, callbacks=[clip]).set_params(callbacks__gradient_clipping__max_norm=0.5)
    clf.fit(X, y)
    assert list(clf.callbacks_) == ["early_stopping", "gradient_clipping"]
    assert clf.callbacks_["gradient_clipping"].max_norm == 0.5
    assert clf.callbacks_["gradient_clipping"].needs_grad_norm  # rebuilt, not patched
    assert clip.max_norm is None and clip.trainer is None  # the parameter object is untouched
    assert not clip.needs_grad_norm
    with pytest.raises(InvalidParameterError, match="other than 'early_stopping'"):
        NeuralNetClassifier(**FAST, callbacks={"early_stopping": GradientClipping(1.0)}).fit(X, y)


class _NaNNet(nn.Module):
    def __init__(self, n_features: int, n_outputs: int) -> None:
        super().__init__()
        self.linear = nn.Linear(n_features, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x) * float("nan")


def test_the_trainers_guards_stay_on():
    X, y = _blobs(40)
    with pytest.raises(NonFiniteError):
        NeuralNetClassifier(_NaNNet, max_epochs=2).fit(X, y)


def test_fit_is_seeded_and_leaves_the_callers_random_state_alone():
    X, y = _blobs(60)
    np.random.seed(123)
    random.seed(123)
    torch.manual_seed(123)
    expected = (np.random.random(), random.random(), torch.rand(1).item())
    np.random.seed(123)
    random.seed(123)
    torch.manual_seed(123)
    a = NeuralNetClassifier(**FAST, dropout=0.2).fit(X, y)
    assert (np.random.random(), random.random(), torch.rand(1).item()) == expected
    b = NeuralNetClassifier(**FAST, dropout=0.2).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


# --- validation hold-outs --------------------------------------------------------------------------


def test_stratified_holdout_keeps_class_shares_and_never_empties_a_class():
    codes = np.array([0] * 50 + [1] * 30 + [2] * 1)
    train, val = stratified_holdout(codes, 0.2, np.random.default_rng(0))
    assert len(val) == 17 and len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == 81
    held = np.bincount(codes[val], minlength=3)
    assert np.all(np.abs(held[:2] - 0.2 * np.array([50, 30])) <= 1) and held[2] == 0
    assert set(codes[train]) == {0, 1, 2}
    with pytest.raises(ValueError, match="n_samples=2"):
        stratified_holdout(np.array([0, 1]), 0.1, np.random.default_rng(0))


def test_random_holdout_sizes_and_refusal():
    train, val = random_holdout(10, 0.1, np.random.default_rng(0))
    assert len(val) == 1 and len(train) == 9
    with pytest.raises(ValueError, match="n_samples=1"):
        random_holdout(1, 0.1, np.random.default_rng(0))
