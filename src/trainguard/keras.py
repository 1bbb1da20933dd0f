"""trainguard's training guards for Keras 3: ``model.fit(..., callbacks=[TrainGuard()])``.

:class:`TrainGuard` drives the framework-neutral guards of :mod:`trainguard.guards.core` from
Keras's own loop and raises (it does not warn) when training cannot go on meaningfully:

* **epoch length**: batches are counted against ``steps_per_epoch``, ``len()`` of a
  ``PyDataset``/``Sequence`` or the first epoch's count; a short epoch raises
  :class:`~trainguard.guards.epoch_length.EpochLengthError` (Keras only warns "ran out of data";
  with this guard on, that warning is silenced during ``fit`` and the error says it with the cause).
  Two failures counting cannot see are found from the data: a ``PyDataset`` whose ``__len__`` is too
  small (index ``len()`` is probed once at fit start: data there means the length is wrong) and an
  endless generator whose ``steps_per_epoch`` is not one pass over the data (a few values of every
  batch are fingerprinted and the period at which they repeat is compared with the epoch).
* **non-finite loss and gradients**: checked after the backward pass and *before*
  ``optimizer.apply`` (torch backend), so the bad step never reaches the weights; the batch is then
  re-run layer by layer to name the first layer whose output went non-finite from finite inputs,
  with the evidence (inputs, loss history, gradient norms, learning rate).
* **loss/output mismatch** on the first batch: sigmoid/softmax outputs into a loss compiled with
  ``from_logits=True``, raw outputs into ``from_logits=False``, float class labels into a sparse
  categorical loss, and ``(N, 1)`` against ``(N,)`` targets when the compiled loss really
  broadcasts them (Keras 3's built-in losses align the ranks themselves, and are not flagged).

Every finding is in ``callback.findings``. Keras is imported only when this module is.

The per-step checks hook ``model.train_step``, ``model.compute_loss`` and ``optimizer.apply`` on the
model instance for the duration of ``fit`` (Keras callbacks see no batch data). That runs eagerly on
the torch backend, the one tested; on TensorFlow and JAX the step is compiled, so there the
non-finite check falls back to the loss Keras reports after each step, and the data checks run only
with ``model.compile(run_eagerly=True)``.
"""

from __future__ import annotations

import inspect
import math
import re
import warnings
from collections.abc import Callable, Hashable
from typing import Any

import keras
import numpy as np
from keras.src.models.functional import Functional

from trainguard.findings import Finding, Severity
from trainguard.guards.base import GuardError
from trainguard.guards.callback import GuardCallback
from trainguard.guards.core import BatchInfo, EpochInfo, FitInfo, StepInfo, Verdict
from trainguard.guards.epoch_length import GENERATOR_OBJECT, EpochLengthError, len_too_small_finding
from trainguard.guards.nonfinite import (
    ModuleFault,
    NonFiniteError,
    NonFiniteEvidence,
    Reproduction,
    count_array,
    diagnose_nonfinite,
)
from trainguard.nn.guards.loss_mismatch import KERAS, LossMismatchError, check_kind

__all__ = ["TrainGuard", "past_end_finding"]

_FINGERPRINT_VALUES = 4


class TrainGuard(GuardCallback, keras.callbacks.Callback):
    """Keras 3 callback running trainguard's epoch-length, non-finite and loss/output guards.

    The options are :class:`~trainguard.guards.callback.GuardCallback`'s; ``data_checks`` here
    fingerprints a generator's batches and probes a ``PyDataset`` past ``len()`` (failures that
    counting cannot see).
    """

    where = "keras TrainGuard"

    # --- Keras hooks -----------------------------------------------------------------------------

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._uninstall()  # a fit that raised elsewhere (Ctrl-C) never reached on_train_end
        fit = _fit_arguments(self.model)
        x, steps = fit.get("x"), fit.get("steps_per_epoch")
        guards = self._begin_fit(cycles=self.data_checks)
        self._epoch = 0
        self._source_kind = _source_kind(x)
        guards.on_fit_start(
            FitInfo(
                steps_per_epoch=steps,
                source_len=self.params.get("steps") if steps is None else None,
                source_kind=self._source_kind,
                n_samples=_n_samples(x),
                batch_size=fit.get("batch_size"),
            )
        )
        self._quiet = _RanOutOfDataSilenced() if self.epoch_length else None
        if self.epoch_length and self.data_checks and _is_py_dataset(x):
            self._stop_if_error(past_end_finding(x, steps))
        self._hooks = _StepHooks(self)
        self._hooks.install()

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch + 1  # as Keras shows it: "Epoch 1/5"

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        hooks = self._hooks
        if hooks is not None and not hooks.pre_step and self._guards.nonfinite is not None:
            hooks.judge_after_step(batch, _float(logs.get("loss")) if logs else None)
        fingerprint = None if hooks is None else hooks.fingerprint
        for finding in self._guards.on_batch_end(BatchInfo(self._epoch, batch, fingerprint=fingerprint)):
            self._stop_if_error(finding)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        interrupted = bool(getattr(self.model, "stop_training", False))
        for finding in self._guards.on_epoch_end(EpochInfo(self._epoch, interrupted=interrupted)):
            self._stop_if_error(finding)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._uninstall()

    # --- surfacing findings ----------------------------------------------------------------------

    def _stop_if_error(self, finding: Finding | None, error: type[GuardError] = EpochLengthError) -> None:
        if finding is not None and finding.severity is Severity.ERROR:
            self._uninstall()  # the model must be left as it was, whatever fit raises
        super()._stop_if_error(finding, error)

    def _uninstall(self) -> None:
        hooks, self._hooks = self.__dict__.get("_hooks"), None
        if hooks is not None:
            hooks.uninstall()
        quiet, self._quiet = self.__dict__.get("_quiet"), None
        if quiet is not None:
            quiet.restore()


class _RanOutOfDataSilenced:
    """Keras's "Your input ran out of data" warning, silenced from fit start until :meth:`restore`.

    With the epoch-length guard on, a short epoch raises :class:`EpochLengthError`, which says the
    same with the cause and the fix; Keras's warning would print first and read like the whole story.
    Only that message is filtered, and ``warnings.catch_warnings`` puts the filters back as they
    were at fit start (a filter the user adds inside a callback during fit is undone with it).
    """

    MESSAGE = "Your input ran out of data"

    def __init__(self) -> None:
        self._saved = warnings.catch_warnings()
        self._saved.__enter__()
        warnings.filterwarnings("ignore", message=re.escape(self.MESSAGE), category=UserWarning)

    def restore(self) -> None:
        self._saved.__exit__(None, None, None)


# --- per-step hooks on the model instance ----------------------------------------------------------


class _StepHooks:
    """Wraps ``train_step``, ``compute_loss`` and ``optimizer.apply`` of one model for one fit."""

    def __init__(self, guard: TrainGuard) -> None:
        self.guard = guard
        self.model = guard.model
        self.pre_step = keras.backend.backend() == "torch"
        self.first = True
        #: Only a generator can repeat at a period other than the epoch: Keras restarts arrays and
        #: PyDatasets every epoch, so only a generator's batches are fingerprinted.
        self.fingerprints = guard.data_checks and guard._source_kind == GENERATOR_OBJECT
        self.step = 0
        self.batch_index = -1
        self.data: tuple[Any, Any] | None = None
        self.loss: Any = None
        self.fingerprint: Hashable | None = None
        self.flat: bool | None = None  # whether the gradients suit step_values' flat read
        self._saved: list[tuple[Any, str]] = []

    def install(self) -> None:
        self._wrap(self.model, "train_step", self._train_step)
        if self.pre_step and self.guard._guards.nonfinite is not None:
            self._wrap(self.model, "compute_loss", self._compute_loss)
            self._wrap(self.model.optimizer, "apply", self._apply)

    def uninstall(self) -> None:
        for owner, name in self._saved:
            owner.__dict__.pop(name, None)
        self._saved = []

    def _wrap(self, owner: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        original = getattr(owner, name)
        owner.__dict__[name] = make(original)
        self._saved.append((owner, name))

    # --- the wrappers ----------------------------------------------------------------------------

    def _train_step(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def train_step(data: Any) -> Any:
            x, y = _unpack(data)
            self.data, self.batch_index = (x, y), self.batch_index + 1
            if self.fingerprints:
                self.fingerprint = _fingerprint(x)
            if self.first:
                self.first = False
                self._check_first_batch(x, y)
            logs = original(data)
            self.step += 1
            return logs

        return train_step

    def _compute_loss(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def compute_loss(*args: Any, **kwargs: Any) -> Any:
            self.loss = original(*args, **kwargs)
            return self.loss

        return compute_loss

    def _apply(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def apply(grads: list[Any], variables: list[Any] | None = None) -> Any:
            verdict = self._judge_before_step(grads, variables)
            if verdict is Verdict.STEP:
                return original(grads, variables) if variables is not None else original(grads)
            if verdict is Verdict.REDUCE_LR:
                lr = self.model.optimizer.learning_rate
                lr.assign(float(_numpy(lr)) * 0.1)
            return None  # skipped: the weights never see this step

        return apply

    # --- judgements ------------------------------------------------------------------------------

    def _judge_before_step(self, grads: list[Any], variables: list[Any] | None) -> Verdict:
        from trainguard.nn.guards.step import flat_norm_fits, step_values

        nonfinite = self.guard._guards.nonfinite
        assert nonfinite is not None
        present = [g for g in grads if g is not None]
        if self.flat is None:  # the same variables every step of the fit
            self.flat = flat_norm_fits(present)
        loss, grad_norm = step_values(self.loss, present, flat=self.flat)
        if nonfinite.passes(loss, grad_norm):  # the finite step costs no more than this
            return Verdict.STEP
        info = StepInfo(self.guard._epoch, self.step, self.batch_index, loss, grad_norm, self._data_finite())
        verdict = nonfinite.before_optimizer_step(info)
        if verdict is Verdict.STOP:
            bad = _nonfinite_names(grads, variables or self.model.trainable_weights)
            self.guard._stop_if_error(
                self._diagnose(info, bad_grads=bad, note=nonfinite.note), NonFiniteError
            )
        return verdict

    def judge_after_step(self, batch: int, loss: float | None) -> None:
        """TensorFlow/JAX: the step is compiled, so judge the loss Keras reports after it."""
        nonfinite = self.guard._guards.nonfinite
        if loss is None or nonfinite is None:
            return
        info = StepInfo(self.guard._epoch, self.step, batch, loss)
        if nonfinite.before_optimizer_step(info) is Verdict.STOP:
            note = f"on the {keras.backend.backend()} backend this is checked after the step"
            self.guard._stop_if_error(self._diagnose(info, bad_grads=[], note=note), NonFiniteError)

    def _data_finite(self) -> bool:
        if self.data is None:
            return True
        return not any(c.bad for c in _counts(self.data[0], "inputs") + _counts(self.data[1], "targets"))

    def _check_first_batch(self, x: Any, y: Any) -> None:
        if self.guard._guards.loss_mismatch is None or y is None:
            return
        findings = keras_loss_findings(self.model, x, y)
        for finding in self.guard._guards.on_first_batch(findings):
            self.guard._stop_if_error(finding, LossMismatchError)

    def _diagnose(self, info: StepInfo, *, bad_grads: list[str], note: str) -> Finding:
        x, y = self.data if self.data is not None else (None, None)
        inputs = _counts(x, "inputs") if x is not None else []
        targets = _counts(y, "targets") if y is not None else []
        if any(c.bad for c in inputs + targets):
            repro = Reproduction("inputs")
        elif x is None:
            repro = Reproduction("unavailable", note="the failing batch was not kept")
        else:
            repro = _reproduce(self.model, x, y, bad_grads)
        nonfinite = self.guard._guards.nonfinite
        weights = [(v.path, _numpy(v)) for v in self.model.weights]
        evidence = NonFiniteEvidence.for_step(
            info,
            inputs=inputs,
            targets=targets,
            reproduction=repro,
            nonfinite_params=[name for name, w in weights if not np.isfinite(w).all()],
            largest_weight=_largest(weights),
            grad_norms=[] if nonfinite is None else list(nonfinite.norms),
            losses=[] if nonfinite is None else list(nonfinite.losses),
            lrs=[_float(self.model.optimizer.learning_rate) or math.nan],
            note=note,
            component="layer",
        )
        return diagnose_nonfinite(evidence)


# --- re-running a batch layer by layer ---------------------------------------------------------------


def _reproduce(model: keras.Model, x: Any, y: Any, bad_grads: list[str]) -> Reproduction:
    """The first layer whose output went non-finite from finite inputs; else the loss or the backward."""
    try:
        fault, receiver, y_pred = _trace_layers(model, x)
    except Exception as exc:  # noqa: BLE001 - the diagnosis must not hide the original problem
        return Reproduction("unavailable", note=f"re-running the batch raised {type(exc).__name__}: {exc}")
    if fault is not None:
        return Reproduction("forward", origin=fault, receiver=receiver)
    if y_pred is None:
        return Reproduction("unavailable", note="the model is not a Sequential/functional stack of layers")
    loss = _float(model.compute_loss(x=x, y=y, y_pred=y_pred))
    if loss is None or not math.isfinite(loss):
        return Reproduction("loss", loss=loss)
    if bad_grads:
        return Reproduction("backward", loss=loss, nonfinite_grads=bad_grads)
    return Reproduction("not reproduced", loss=loss)


def _trace_layers(model: keras.Model, x: Any) -> tuple[ModuleFault | None, str | None, Any]:
    """Run ``x`` through the layers one at a time (Sequential) or all at once (functional)."""
    if isinstance(model, keras.Sequential):
        names = [layer.name for layer in model.layers]
        outputs, value = [], x
        for layer in model.layers:
            value = layer(value, training=False)
            outputs.append(value)
        layers = list(model.layers)
        inputs = [x, *outputs[:-1]]
    elif isinstance(model, Functional):
        layers = [op for op in model.layers if not isinstance(op, keras.layers.InputLayer)]
        probe = keras.Model(model.inputs, [layer.output for layer in layers])
        outputs = list(probe(x, training=False))
        names = [layer.name for layer in layers]
        by_output = {id(layer.output): i for i, layer in enumerate(layers)}
        inputs = []
        for layer in layers:
            parents = [by_output.get(id(t)) for t in keras.tree.flatten(layer.input)]
            inputs.append([x if p is None else outputs[p] for p in parents])
    else:
        return None, None, None
    receiver = None
    for layer, name, given, out in zip(layers, names, inputs, outputs, strict=True):
        given_bad = any(c.bad for c in _counts(given, "in"))
        if given_bad and receiver is None:
            receiver = f"{name} ({type(layer).__name__})"
        out_counts = _counts(out, "output")
        if not given_bad and any(c.bad for c in out_counts):
            weights = [_numpy(w) for w in layer.weights]
            finite = all(np.isfinite(w).all() for w in weights)
            max_abs = max((float(np.nanmax(np.abs(w))) for w in weights if w.size), default=None)
            return ModuleFault(name, type(layer).__name__, out_counts, finite, max_abs), receiver, outputs[-1]
    return None, receiver, outputs[-1]


# --- the first batch against the compiled loss ---------------------------------------------------------

#: Keras loss function name -> the check family for (from_logits=True, from_logits=False).
_LOSS_KINDS = {
    "binary_crossentropy": ("bce_logits", "bce"),
    "binary_focal_crossentropy": ("bce_logits", "bce"),
    "sparse_categorical_crossentropy": ("cross_entropy", "sparse_probabilities"),
    "categorical_crossentropy": ("categorical_logits", "categorical_probabilities"),
    "categorical_focal_crossentropy": ("categorical_logits", "categorical_probabilities"),
}


def compiled_loss(model: keras.Model) -> tuple[str, bool] | None:
    """The compiled loss's function name and its ``from_logits``; ``None`` for several losses."""
    loss = getattr(model, "loss", None)
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    fn = getattr(loss, "fn", loss)
    if not callable(fn) or isinstance(loss, (dict, list, tuple)):
        return None
    kwargs = getattr(loss, "_fn_kwargs", {}) or {}
    return getattr(fn, "__name__", type(fn).__name__), bool(kwargs.get("from_logits", False))


def keras_loss_findings(model: keras.Model, x: Any, y: Any) -> list[Finding]:
    """The first batch's outputs and targets judged against the compiled loss (one extra forward)."""
    import torch

    spec = compiled_loss(model)
    if spec is None or len(keras.tree.flatten(y)) != 1:
        return []
    name, from_logits = spec
    y_pred = model(x, training=False)
    if len(keras.tree.flatten(y_pred)) != 1:
        return []
    out = torch.from_numpy(_numpy(y_pred))
    tgt = torch.from_numpy(_numpy(y))
    findings = [] if (broadcast := _broadcast_finding(model, x, y, y_pred, name)) is None else [broadcast]
    kinds = _LOSS_KINDS.get(name)
    if kinds is None:
        return findings
    kind = kinds[0] if from_logits else kinds[1]
    if tgt.ndim == 2 and tgt.shape[1] == 1 and out.ndim == 2 and out.shape[1] > 1:
        tgt = tgt[:, 0]  # Keras squeezes (N, 1) sparse labels
    label = f"{name}(from_logits={from_logits})"
    return findings + check_kind(kind, label, out, tgt, dialect=KERAS)


def _broadcast_finding(model: keras.Model, x: Any, y: Any, y_pred: Any, name: str) -> Finding | None:
    """(N, 1) outputs against (N,) targets: flagged only when the compiled loss really broadcasts.

    Keras 3's built-in losses align the ranks first, so the check measures instead of guessing: the
    loss on the targets as given against the loss on the targets reshaped like the outputs.
    """
    y_shape, p_shape = tuple(y.shape), tuple(y_pred.shape)
    if y_shape == p_shape or math.prod(y_shape) != math.prod(p_shape):
        return None
    as_given = _float(model.compute_loss(x=x, y=y, y_pred=y_pred))
    aligned = _float(model.compute_loss(x=x, y=keras.ops.reshape(y, p_shape), y_pred=y_pred))
    if as_given is None or aligned is None or math.isclose(as_given, aligned, rel_tol=1e-5, abs_tol=1e-8):
        return None
    return Finding(
        id="loss-shape-broadcast",
        severity=Severity.ERROR,
        message=(
            f"{name} on the first batch: output shape {p_shape} and target shape {y_shape} broadcast "
            f"inside the loss: every prediction is compared with every target (loss {as_given:.4g} as given, "
            f"{aligned:.4g} with the targets shaped like the outputs)"
        ),
        fix=(
            "give the targets the outputs' shape (y.reshape(-1, 1)), or align them inside the loss "
            "(keras.ops.squeeze(y_pred, -1))"
        ),
        evidence={
            "loss": name,
            "output_shape": list(p_shape),
            "target_shape": list(y_shape),
            "loss_as_given": as_given,
            "loss_aligned": aligned,
            "details": [
                "A custom loss that subtracts y_true - y_pred directly turns (N, 1) and (N,) into an (N, N) "
                "matrix; the model then learns to predict the mean target."
            ],
        },
    )


# --- data checks ---------------------------------------------------------------------------------------


def past_end_finding(dataset: Any, steps_per_epoch: int | None) -> Finding | None:
    """Probe index ``len(dataset)``: a non-empty batch there means ``__len__`` is too small."""
    try:
        declared = len(dataset)
        batch = dataset[declared]
    except (IndexError, KeyError, StopIteration, ValueError):
        return None
    x, _ = _unpack(batch)
    rows = _rows(x)
    if not rows:
        return None
    extra = _count_past_end(dataset, declared)
    name = type(dataset).__name__
    return len_too_small_finding(
        name,
        declared,
        extra,
        unit="batches",
        found=f"index {declared} still holds a batch of {rows} rows",
        unseen=f"every epoch trains on the first {declared} batches only; the rest of the data is never seen",
        fix=(
            "make __len__ return the number of batches in the data: math.ceil(n_samples / batch_size); "
            "raise IndexError (or return an empty batch) past the end"
        ),
        probe=f"Probed {name}[{declared}] and on once at fit start",
        past_end_is_lower_bound=extra >= _PROBE_LIMIT,
        evidence={"rows_past_end": rows, "steps_per_epoch": steps_per_epoch},
    )


_PROBE_LIMIT = 1000


def _count_past_end(dataset: Any, declared: int) -> int:
    count = 0
    while count < _PROBE_LIMIT:
        try:
            rows = _rows(_unpack(dataset[declared + count])[0])
        except (IndexError, KeyError, StopIteration, ValueError):
            break
        if not rows:
            break
        count += 1
    return count


def _fingerprint(x: Any) -> Hashable:
    """A few values from the start and end of the batch, with its shape: cheap, and unique in practice."""
    first = keras.tree.flatten(x)[0]
    if hasattr(first, "detach"):  # torch backend: two slices, one cat, one read
        import torch

        flat = first.detach().reshape(-1)
        k = min(_FINGERPRINT_VALUES, flat.numel())
        return (tuple(first.shape), tuple(torch.cat([flat[:k], flat[flat.numel() - k :]]).tolist()))
    flat = keras.ops.reshape(first, (-1,))
    size = int(flat.shape[0])
    k = min(_FINGERPRINT_VALUES, size)
    head = _numpy(flat[:k])
    tail = _numpy(flat[size - k :])
    return (tuple(first.shape), tuple(head.tolist()), tuple(tail.tolist()))


# --- small helpers -------------------------------------------------------------------------------------


def _fit_arguments(model: keras.Model) -> dict[str, Any]:
    """``x``, ``steps_per_epoch`` and ``batch_size`` of the running ``model.fit`` call; ``{}`` if unseen.

    Why the stack: Keras 3 hands callbacks only ``params`` (``epochs``, ``steps``, ``verbose``), and
    the data lives in ``fit``'s locals (its epoch iterator is not kept on the model); no public API
    exposes it, and wrapping ``model.fit`` would mean users call ours instead of adding a callback.
    The frame looked for is Keras's own ``fit`` (its code object, found in the model's class
    hierarchy), so a subclass overriding ``fit(*args, **kwargs)`` does not hide the arguments.

    Fallback, when no such frame is found (another Keras version, ``fit`` run in another thread):
    ``{}``, and the guard works from ``params`` alone: the epoch length Keras computed is still
    checked, but the data checks (the ``PyDataset`` probe, generator fingerprints) and the
    floor-versus-ceil arithmetic in messages are skipped.
    """
    keras_fits = {
        inspect.unwrap(vars(klass)["fit"]).__code__  # unwrapped: Keras decorates fit
        for klass in type(model).__mro__
        if klass.__module__.startswith("keras.") and callable(vars(klass).get("fit"))
    }
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code in keras_fits and frame.f_locals.get("self") is model:
            return {k: frame.f_locals.get(k) for k in ("x", "steps_per_epoch", "batch_size")}
        frame = frame.f_back
    return {}


def _is_py_dataset(x: Any) -> bool:
    return isinstance(x, keras.utils.PyDataset)


def _source_kind(x: Any) -> str:
    if _is_py_dataset(x):
        return type(x).__name__ + " (PyDataset)"
    if hasattr(x, "__next__"):
        return GENERATOR_OBJECT
    return "arrays" if x is not None else "data"


def _n_samples(x: Any) -> int | None:
    shape = getattr(x, "shape", None)
    return int(shape[0]) if shape else None


def _unpack(data: Any) -> tuple[Any, Any]:
    if isinstance(data, (tuple, list)):
        return data[0], data[1] if len(data) > 1 else None
    return data, None


def _rows(x: Any) -> int | None:
    leaves = keras.tree.flatten(x)
    shape = getattr(leaves[0], "shape", None) if leaves else None
    return int(shape[0]) if shape else None


def _counts(obj: Any, name: str) -> list[Any]:
    leaves = keras.tree.flatten(obj)
    names = [name] if len(leaves) == 1 else [f"{name}[{i}]" for i in range(len(leaves))]
    return [count_array(n, _numpy(t)) for n, t in zip(names, leaves, strict=True)]


def _nonfinite_names(grads: list[Any], variables: list[Any]) -> list[str]:
    return [
        v.path
        for g, v in zip(grads, variables, strict=False)
        if g is not None and not np.isfinite(_numpy(g)).all()
    ]


def _largest(weights: list[tuple[str, np.ndarray]]) -> tuple[str, float] | None:
    best: tuple[str, float] | None = None
    for name, w in weights:
        finite = np.abs(w[np.isfinite(w)])
        if finite.size and (best is None or float(finite.max()) > best[1]):
            best = (name, float(finite.max()))
    return best


def _numpy(value: Any) -> np.ndarray:
    """A tensor of any backend as numpy; torch tensors directly (no copy warning, no extra op)."""
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return np.asarray(keras.ops.convert_to_numpy(value))


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(_numpy(value))
    except (TypeError, ValueError):
        return None
