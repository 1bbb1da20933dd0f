"""trainguard.keras.TrainGuard on real Keras 3 (torch backend): the seed programs, NaN and loss checks.

The three programs of seeds/002 ("why does fit_generator stop after the first epoch?") run as
written, with the callback added: each must stop with its own finding, and the corrected program
must train with none.
"""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np
import pytest

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.skipif(keras.backend.backend() != "torch", reason="tested on the torch backend")

from trainguard.guards.epoch_length import EpochLengthError  # noqa: E402
from trainguard.guards.nonfinite import NonFiniteError  # noqa: E402
from trainguard.keras import TrainGuard  # noqa: E402
from trainguard.nn.guards.loss_mismatch import LossMismatchError  # noqa: E402


@pytest.fixture(autouse=True)
def _seeded() -> None:
    keras.utils.set_random_seed(0)


def _seed_model() -> keras.Model:
    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


DATA = np.random.default_rng(0).random((100, 10))


# --- seed 002, example 1: an endless generator with steps_per_epoch half the real number ---------


def data_generator(data, batch_size):
    num_samples = len(data)
    while True:
        for i in range(0, num_samples, batch_size):
            yield data[i : i + batch_size], np.zeros(batch_size)


def test_seed_wrong_steps_per_epoch_stops_with_the_data_cycle() -> None:
    guard = TrainGuard()
    with pytest.raises(EpochLengthError) as info:
        _seed_model().fit(data_generator(DATA, 10), steps_per_epoch=5, epochs=5, callbacks=[guard], verbose=0)
    finding = info.value.finding
    assert finding.id == "epoch-data-cycle-mismatch"
    assert finding.evidence["period"] == 10 and finding.evidence["expected"] == 5
    assert "50% of the data" in str(info.value) and "steps_per_epoch to 10" in str(info.value)
    assert guard.findings == [finding]


def test_seed_correct_steps_per_epoch_trains_without_findings() -> None:
    guard = TrainGuard()
    history = _seed_model().fit(
        data_generator(DATA, 10), steps_per_epoch=10, epochs=3, callbacks=[guard], verbose=0
    )
    assert len(history.history["loss"]) == 3 and guard.findings == []


# --- seed 002, example 2: a PyDataset whose __len__ is too small ---------------------------------


class DataGenerator(keras.utils.PyDataset):
    def __init__(self, data, batch_size, length=None):
        super().__init__()
        self.data, self.batch_size, self.length = data, batch_size, length

    def __len__(self):
        return 5 if self.length is None else self.length  # the seed's bug: a constant

    def __getitem__(self, index):
        i = index * self.batch_size
        return self.data[i : i + self.batch_size], np.zeros(self.batch_size)


def test_seed_wrong_len_stops_at_fit_start_naming_the_unseen_batches() -> None:
    guard = TrainGuard()
    model = _seed_model()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(EpochLengthError) as info:
        model.fit(DataGenerator(DATA, 10), epochs=5, callbacks=[guard], verbose=0)
    finding = info.value.finding
    assert finding.id == "len-too-small"
    assert finding.evidence["declared"] == 5 and finding.evidence["past_end"] == 5
    assert "__len__ returns 5" in finding.message and "math.ceil(n_samples / batch_size)" in finding.fix
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


class FitOverridden(keras.Sequential):
    def fit(self, *args, **kwargs):  # hides x in **kwargs: the guard looks for Keras's own fit
        return super().fit(*args, **kwargs)


def test_the_fit_arguments_are_found_under_a_subclass_fit_and_absent_outside_fit() -> None:
    from trainguard.keras import _fit_arguments

    model = FitOverridden([keras.Input((10,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(EpochLengthError, match="__len__ returns 5"):
        model.fit(DataGenerator(DATA, 10), epochs=1, callbacks=[TrainGuard()], verbose=0)
    assert _fit_arguments(model) == {}, "outside fit: the documented fallback"


def test_without_the_fit_arguments_the_epoch_length_keras_computed_is_still_checked(monkeypatch) -> None:
    import trainguard.keras as tk

    monkeypatch.setattr(tk, "_fit_arguments", lambda model: {})
    guard = TrainGuard()
    _seed_model().fit(DataGenerator(DATA, 10, length=10), epochs=2, callbacks=[guard], verbose=0)
    assert guard.findings == [] and guard._guards.epoch_length.expected == 10


def test_seed_correct_len_trains_without_findings() -> None:
    guard = TrainGuard()
    _seed_model().fit(DataGenerator(DATA, 10, length=10), epochs=3, callbacks=[guard], verbose=0)
    assert guard.findings == []


# --- seed 002, example 3: a generator that swallows its exception ----------------------------------


def faulty_generator(data, batch_size):
    num_samples = len(data)
    for i in range(0, num_samples, batch_size):
        try:
            if i == batch_size:
                raise ValueError("Simulated data error")
            yield data[i : i + batch_size], np.zeros(batch_size)
        except ValueError:
            break


def test_seed_swallowed_exception_is_a_short_epoch_error_not_a_warning() -> None:
    guard = TrainGuard()
    filters = list(warnings.filters)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with pytest.raises(EpochLengthError) as info:
            _seed_model().fit(
                faulty_generator(DATA, 10),
                steps_per_epoch=len(DATA) // 10,
                epochs=5,
                callbacks=[guard],
                verbose=0,
            )
    assert not [w for w in shown if "ran out of data" in str(w.message)], "our error replaces Keras's warning"
    assert warnings.filters == filters, "the filter is removed again"
    finding = info.value.finding
    assert finding.id == "epoch-too-short"
    assert (finding.evidence["epoch"], finding.evidence["received"], finding.evidence["expected"]) == (
        1,
        1,
        10,
    )
    text = str(info.value)
    assert "exception caught inside the generator" in text and "let exceptions inside the generator" in text


def test_generator_without_the_swallowed_exception_trains() -> None:
    guard = TrainGuard()
    _seed_model().fit(data_generator(DATA, 10), steps_per_epoch=10, epochs=2, callbacks=[guard], verbose=0)
    assert guard.findings == []


def test_nothing_declared_first_epoch_sets_the_length() -> None:
    calls = {"n": 0}

    def shrinking():
        calls["n"] += 1
        n = 10 if calls["n"] == 1 else 6
        for i in range(n):
            yield DATA[i * 10 : i * 10 + 10], np.zeros(10)

    gen = shrinking()
    guard = TrainGuard()
    # a one-shot generator with no steps: Keras learns the length from the first epoch, then runs dry
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.raises(EpochLengthError) as info:
            _seed_model().fit(gen, epochs=3, callbacks=[guard], verbose=0)
    assert info.value.finding.id in {"epoch-too-short", "epoch-empty"}
    assert info.value.finding.evidence["epoch"] == 2


# --- non-finite ----------------------------------------------------------------------------------


def test_nan_from_a_layer_stops_before_the_step_naming_the_layer() -> None:
    x = np.abs(np.random.default_rng(1).normal(size=(64, 4))).astype("float32")
    y = np.ones((64, 1), dtype="float32")
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, name="hidden"),
            keras.layers.Lambda(lambda t: keras.ops.log(t), name="log"),
            keras.layers.Dense(1, name="head"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    guard = TrainGuard()
    with pytest.raises(NonFiniteError) as info:
        model.fit(x, y, batch_size=16, epochs=1, callbacks=[guard], verbose=0, shuffle=False)
    finding = info.value.finding
    assert finding.evidence["stage"] == "forward" and finding.evidence["origin"] == "log (Lambda)"
    assert finding.evidence["inputs_finite"] and (
        finding.evidence["epoch"],
        finding.evidence["batch_index"],
    ) == (1, 0)
    assert "learning rate: 0.01" in str(info.value)
    assert "Where: layer log (Lambda) produced" in str(info.value) and "module" not in str(info.value)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True)), (
        "weights untouched"
    )
    assert guard.findings == [finding]


def test_nan_inputs_are_named_as_the_cause() -> None:
    x = np.random.default_rng(2).normal(size=(32, 3)).astype("float32")
    x[5, 1] = np.nan
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(NonFiniteError) as info:
        model.fit(x, np.zeros((32, 1)), batch_size=32, epochs=1, callbacks=[TrainGuard()], verbose=0)
    assert info.value.finding.evidence["stage"] == "inputs"
    assert "inputs: 1 NaN of 96 values" in str(info.value)


def test_huge_learning_rate_diverges_and_the_history_is_evidence() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(256, 4)).astype("float32") * 100
    y = (x @ np.ones((4, 1))).astype("float32")
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    guard = TrainGuard()
    with pytest.raises(NonFiniteError) as info:
        model.fit(x, y, batch_size=16, epochs=20, callbacks=[guard], verbose=0)
    ev = info.value.finding.evidence
    assert ev["losses"] and ev["lrs"] == [1.0]
    assert all(np.isfinite(w).all() for w in model.get_weights()), "the bad step never reached the weights"


def test_skip_batch_policy_trains_through() -> None:
    x = np.random.default_rng(4).normal(size=(64, 3)).astype("float32")
    x[:16][3, 0] = np.inf  # the first batch of 16 holds an Inf
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(
        x,
        np.zeros((64, 1)),
        batch_size=16,
        epochs=1,
        shuffle=False,
        callbacks=[TrainGuard("skip_batch")],
        verbose=0,
    )
    assert all(np.isfinite(w).all() for w in model.get_weights())


# --- first batch against the compiled loss --------------------------------------------------------


def _classifier(activation, loss, units=1):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])
    model.compile(optimizer="adam", loss=loss)
    return model


XC = np.random.default_rng(5).normal(size=(32, 4)).astype("float32")
YB = (XC[:, :1] > 0).astype("float32")


def test_sigmoid_output_into_from_logits_true_warns() -> None:
    guard = TrainGuard()
    model = _classifier("sigmoid", keras.losses.BinaryCrossentropy(from_logits=True))
    with pytest.warns(UserWarning, match="double-sigmoid"):
        model.fit(XC, YB, epochs=1, callbacks=[guard], verbose=0)
    assert [f.id for f in guard.findings] == ["double-sigmoid"]
    assert "from_logits=False" in guard.findings[0].fix


def test_raw_outputs_into_from_logits_false_is_an_error() -> None:
    with pytest.raises(LossMismatchError, match="bce-input-not-probabilities|look like raw logits") as info:
        _classifier(None, "binary_crossentropy").fit(
            XC * 10, YB, epochs=1, callbacks=[TrainGuard()], verbose=0
        )
    assert "from_logits=True" in info.value.finding.fix


def test_softmax_into_sparse_from_logits_true_and_raw_into_false() -> None:
    y = np.random.default_rng(6).integers(0, 3, size=32)
    guard = TrainGuard()
    model = _classifier("softmax", keras.losses.SparseCategoricalCrossentropy(from_logits=True), units=3)
    with pytest.warns(UserWarning, match="double-softmax"):
        model.fit(XC, y, epochs=1, callbacks=[guard], verbose=0)
    with pytest.raises(LossMismatchError) as info:
        _classifier(None, "sparse_categorical_crossentropy", units=3).fit(
            XC * 10, y, epochs=1, callbacks=[TrainGuard()], verbose=0
        )
    assert info.value.finding.id == "loss-input-not-probabilities"


def test_non_whole_float_labels_into_sparse_categorical_is_an_error() -> None:
    y = np.random.default_rng(7).uniform(0, 2, size=32).astype("float32")
    with pytest.raises(LossMismatchError) as info:
        _classifier("softmax", "sparse_categorical_crossentropy", units=3).fit(
            XC, y, epochs=1, callbacks=[TrainGuard()], verbose=0
        )
    assert info.value.finding.id == "float-class-targets" and "regression" in info.value.finding.fix


def test_whole_float_labels_are_a_warning_because_keras_casts_them() -> None:
    y = np.random.default_rng(8).integers(0, 3, size=32).astype("float32")
    guard = TrainGuard()
    with pytest.warns(UserWarning, match="float-class-targets"):
        _classifier("softmax", "sparse_categorical_crossentropy", units=3).fit(
            XC, y, epochs=1, callbacks=[guard], verbose=0
        )
    assert "astype('int64')" in guard.findings[0].fix


class RawMSE(keras.losses.Loss):
    """A custom loss that does not align ranks: (N, 1) - (N,) broadcasts to (N, N)."""

    def call(self, y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true - y_pred))


def test_n1_against_n_is_flagged_only_when_the_loss_really_broadcasts() -> None:
    y = np.random.default_rng(9).normal(size=32).astype("float32")  # (N,)
    guard = TrainGuard()
    _classifier(None, "mse").fit(XC, y, epochs=1, callbacks=[guard], verbose=0)
    assert guard.findings == [], "Keras 3's mse aligns (N, 1) with (N,) itself"
    with pytest.raises(LossMismatchError) as info:
        _classifier(None, RawMSE()).fit(XC, y, epochs=1, callbacks=[TrainGuard()], verbose=0)
    assert info.value.finding.id == "loss-shape-broadcast"
    assert info.value.finding.evidence["output_shape"] == [32, 1] and info.value.finding.evidence[
        "target_shape"
    ] == [32]


def test_the_callback_leaves_the_model_as_it_found_it() -> None:
    model = _seed_model()
    model.fit(DATA, np.zeros(100), epochs=1, callbacks=[TrainGuard()], verbose=0)
    assert "train_step" not in vars(model) and "apply" not in vars(model.optimizer)
