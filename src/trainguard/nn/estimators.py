"""scikit-learn estimators on the guarded Trainer: ``NeuralNetClassifier`` and ``NeuralNetRegressor``.

Modelled on skorch, but held to scikit-learn's conventions so they work wherever scikit-learn
estimators do (Pipeline, GridSearchCV, ``clone``, pickle, ``check_estimator``):

* ``__init__`` only stores its arguments, learned state ends in ``_``, and ``fit`` returns self.
* Nested parameters (``module__*``, ``optimizer__*``, ``callbacks__<name>__*``) are set with
  ``set_params``, as a Pipeline's steps' parameters are: the constructor's signature *is* the list of
  hyperparameters that scikit-learn introspects, so it names only real arguments. ``clone`` keeps
  nested parameters, and ``get_params(deep=True)`` lists every nested key that is accepted.
* Training runs through :class:`~trainguard.nn.Trainer` with its guards on: a NaN loss or an
  output that does not fit the loss stops the fit with a diagnosis instead of leaving a silently
  broken model.
* A fit is reproducible from ``seed`` and leaves the caller's random generators as they were (the
  Trainer seeds every global RNG, so the estimator saves and restores them around training).
* A fitted estimator pickles, and saves with skops, as plain data: the network becomes a dict of
  NumPy arrays and is rebuilt from the constructor arguments on load, so no code is stored.

The network (``module``) contract: ``None`` builds the built-in :class:`~trainguard.nn.mlp.MLP`
from ``hidden_layer_sizes``, ``activation``, ``batch_norm`` and ``dropout``. Otherwise ``module``
is an ``nn.Module`` *subclass*, called as ``module(**module_params)``: the ``module__*``
parameters, plus the sizes inferred from the data when its ``__init__`` takes them (by name, or
through ``**kwargs`` as ``n_features``/``n_outputs``) and they were not given as ``module__*``:
``n_features`` (or ``in_features``, ``input_dim``, ``n_inputs``) and ``n_outputs`` (or
``out_features``, ``output_dim``). ``forward`` receives one float32 tensor ``(batch, n_features)``
and returns ``(batch, n_outputs)``: one logit per class for the classifier (two for a binary
problem; the loss is ``CrossEntropyLoss``), one value per target for the regressor (``MSELoss``
on internally standardised targets). Training runs in float32; predictions evaluate the same
weights in float64 (see ``_forward``), so ``forward`` must work in either precision.
"""

from __future__ import annotations

import copy
import inspect
import math
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from numbers import Integral, Real
from typing import Any, Final

import numpy as np
import torch
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)
from torch import nn
from torch.func import functional_call

from trainguard.errors import ConfigError
from trainguard.guards.base import TrainguardWarning
from trainguard.nn.callbacks.base import Callback
from trainguard.nn.callbacks.early_stopping import EarlyStopping
from trainguard.nn.mlp import MLP
from trainguard.nn.seed import rng_state, set_rng_state
from trainguard.nn.trainer import Trainer, resolve_device

NESTED_PREFIXES: Final = ("module", "optimizer", "callbacks")
#: The name of the built-in early-stopping callback; reserved, so the alias below is unambiguous.
EARLY_STOPPING: Final = "early_stopping"
#: Nested names of a top-level parameter: one value under two names can never disagree.
ALIASES: Final = {"optimizer__lr": "lr", f"callbacks__{EARLY_STOPPING}__patience": "patience"}
INPUT_SIZE_NAMES: Final = ("n_features", "in_features", "input_dim", "n_inputs")
OUTPUT_SIZE_NAMES: Final = ("n_outputs", "out_features", "output_dim")
#: Rows per forward pass at predict time: bounds memory, and is fixed so results never depend on it.
PREDICT_CHUNK_ROWS: Final = 8192
_FLOAT_DTYPES: Final = (np.float64, np.float32)
_WEIGHTS: Final = "_module_weights"  # where a saved estimator keeps the network's arrays
_NOT_SAVED: Final = ("trainer_", "callbacks_")  # live training objects, rebuilt on demand


class InvalidParameterError(ConfigError, ValueError):
    """A hyperparameter is unusable: trainguard's what/where/fix error, and the ValueError that
    scikit-learn tools (GridSearchCV's ``error_score``, ``check_estimator``) expect."""


class _NeuralNet(BaseEstimator):
    """What the classifier and regressor share; they add the targets, the loss and the split."""

    def __init__(
        self,
        module: type[nn.Module] | None = None,
        *,
        hidden_layer_sizes: tuple[int, ...] = (64, 32),
        activation: str = "relu",
        batch_norm: bool = False,
        dropout: float = 0.0,
        optimizer: Any = torch.optim.Adam,
        lr: float = 1e-3,
        batch_size: int = 64,
        max_epochs: int = 100,
        validation_fraction: float = 0.1,
        early_stopping: bool = True,
        patience: int = 10,
        callbacks: Any = None,
        seed: int | None = 0,
        device: str = "auto",
        verbose: int = 0,
    ) -> None:
        self.module = module
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.patience = patience
        self.callbacks = callbacks
        self.seed = seed
        self.device = device
        self.verbose = verbose

    # --- parameters ------------------------------------------------------------------------------

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor arguments; with ``deep``, also every nested key accepted, at its current value.

        The nested keys are the optimizer's and module's keyword arguments, the callbacks' settings
        (``callbacks__early_stopping__min_delta``) and the aliases ``optimizer__lr`` and
        ``callbacks__early_stopping__patience``.
        """
        params = super().get_params(deep=False)
        if deep:
            params.update(self._nested_defaults())
            params.update(self._nested_params())
            params.update({alias: getattr(self, name) for alias, name in ALIASES.items()})
        return params

    def set_params(self, **params: Any) -> _NeuralNet:
        """Set constructor arguments and nested ``module__*`` / ``optimizer__*`` / ``callbacks__*`` ones.

        Nested values are checked when training starts, as scikit-learn checks every value; only
        the names are checked here, so a typo fails at once.
        """
        valid = set(self._get_param_names())
        for key, value in params.items():
            name = ALIASES.get(key, key)
            if "__" in name:
                _check_nested_name(name, type(self).__name__)
            elif name not in valid:
                raise InvalidParameterError(
                    f"invalid parameter {key!r} for {type(self).__name__}",
                    where="set_params",
                    fix=f"use one of {', '.join(sorted(valid))}, or a module__, optimizer__ or "
                    "callbacks__<name>__ key",
                )
            setattr(self, name, value)
        return self

    def __sklearn_clone__(self) -> _NeuralNet:
        """scikit-learn's clone copies constructor arguments only; carry the nested ones over too."""
        new = super().__sklearn_clone__()
        return new.set_params(**{k: clone(v, safe=False) for k, v in self._nested_params().items()})

    def _nested_params(self) -> dict[str, Any]:
        """The nested parameters set so far, stored as attributes named by their key (like skorch)."""
        return {
            key: value
            for key, value in vars(self).items()
            if "__" in key and key.split("__", 1)[0] in NESTED_PREFIXES
        }

    def _nested(self, prefix: str) -> dict[str, Any]:
        start = f"{prefix}__"
        return {k[len(start) :]: v for k, v in self._nested_params().items() if k.startswith(start)}

    def _nested_defaults(self) -> dict[str, Any]:
        found = _keyword_defaults(self.optimizer, "optimizer", skip={"params", "lr"})
        if self.module is not None:
            found |= _keyword_defaults(self.module, "module", skip={*INPUT_SIZE_NAMES, *OUTPUT_SIZE_NAMES})
        if self.early_stopping:
            defaults = _keyword_defaults(EarlyStopping, f"callbacks__{EARLY_STOPPING}", skip={"patience"})
            found |= defaults | {f"callbacks__{EARLY_STOPPING}__{k}": v for k, v in _EARLY_STOPPING.items()}
        try:
            user = _named_callbacks(self.callbacks)
        except InvalidParameterError:
            return found  # reported when training starts
        for name, callback in user:
            found |= _callback_settings(name, callback)
        return found

    def _check_params(self) -> None:
        """Every constructor argument, checked when training starts (scikit-learn's convention)."""
        _require(_is_int(self.batch_size, 1), "batch_size", self.batch_size, "a positive integer", "64")
        _require(_is_int(self.max_epochs, 1), "max_epochs", self.max_epochs, "a positive integer", "100")
        _require(_is_int(self.patience, 0), "patience", self.patience, "an integer >= 0", "10")
        _require(_is_int(self.verbose, 0), "verbose", self.verbose, "0, 1 or 2", "0")
        _require(_is_real(self.lr) and self.lr > 0, "lr", self.lr, "a positive number", "1e-3")
        fraction = self.validation_fraction
        _require(_is_real(fraction) and 0 < fraction < 1, "validation_fraction", fraction,
                 "a number between 0 and 1", "0.1")
        _require(isinstance(self.early_stopping, (bool, np.bool_)), "early_stopping", self.early_stopping,
                 "True or False", "True")
        _require(self.seed is None or _is_int(self.seed, 0), "seed", self.seed, "None or an integer >= 0",
                 "0")
        _require(self.module is None or _is_module_class(self.module), "module", self.module,
                 "None or an nn.Module subclass (the class, not an instance)", "None")
        _require(callable(self.optimizer) and not isinstance(self.optimizer, torch.optim.Optimizer),
                 "optimizer", self.optimizer, "an optimizer class such as torch.optim.Adam",
                 "torch.optim.AdamW")
        if self.module is None and self._nested("module"):
            raise InvalidParameterError(
                "module__* parameters are set, but module=None builds the built-in MLP",
                where=", ".join(f"module__{k}" for k in self._nested("module")),
                fix="shape the built-in MLP with hidden_layer_sizes, activation, batch_norm and dropout, "
                "or pass module=YourModule",
            )

    # --- fitting ---------------------------------------------------------------------------------

    def _fit(self, X: Any, y: Any, X_val: Any, y_val: Any,
             fit_callbacks: Sequence[Callback] = ()) -> _NeuralNet:
        self._check_params()
        X, y = self._validate_xy(X, y, reset=True)
        targets = self._learn_targets(y, classes=None, partial=False)
        val = self._validation_data(X_val, y_val)
        if val is None and self.early_stopping:
            train_rows, val_rows = self._holdout(targets, np.random.default_rng(self.seed))
            train, val = (X[train_rows], targets[train_rows]), (X[val_rows], targets[val_rows])
        else:
            train = (X, targets)
        self._initialize(X.shape[1])
        self._train(train, val, epochs=int(self.max_epochs), early_stopping=bool(self.early_stopping),
                    fit_callbacks=fit_callbacks)
        return self

    def _partial_fit(self, X: Any, y: Any, classes: Any = None) -> _NeuralNet:
        first = not self.__sklearn_is_fitted__()
        self._check_params()
        X, y = self._validate_xy(X, y, reset=first)
        if first:
            targets = self._learn_targets(y, classes=classes, partial=True)
            self._initialize(X.shape[1])
        else:
            self._check_same_classes(classes)
            targets = self._encode_targets(y)
        self._train((X, targets), None, epochs=1, early_stopping=False)
        return self

    def _validation_data(self, X_val: Any, y_val: Any) -> tuple[np.ndarray, np.ndarray] | None:
        """Explicit validation rows, checked like X and encoded like y; None when not given."""
        if X_val is None and y_val is None:
            return None
        if X_val is None or y_val is None:
            raise ValueError("X_val and y_val must be passed together")
        X_val = validate_data(self, X_val, reset=False, dtype=_FLOAT_DTYPES)
        encoded = self._encode_targets(self._validate_y_val(y_val))
        check_consistent_length(X_val, encoded)
        return X_val, encoded

    def _initialize(self, n_features: int) -> None:
        """A new network, seeded, and empty training state: what makes ``fit`` start from scratch."""
        device = _resolve(self.device)
        with _isolated_rng():
            if self.seed is not None:
                torch.manual_seed(int(self.seed))
            self.module_ = self._build_module(n_features, self.n_outputs_).to(device)
        self.trainer_: Trainer | None = None
        self.callbacks_: dict[str, Callback] | None = None
        self.history_: list[dict[str, Any]] = []
        self.n_epochs_ = 0
        self.best_epoch_ = 0

    def _build_module(self, n_features: int, n_outputs: int) -> nn.Module:
        if self.module is None:
            try:
                return MLP(
                    n_features,
                    n_outputs,
                    hidden_layer_sizes=self.hidden_layer_sizes,
                    activation=self.activation,
                    batch_norm=bool(self.batch_norm),
                    dropout=self.dropout,
                )
            except ConfigError as exc:
                raise InvalidParameterError(exc.what, where=exc.where, fix=exc.fix) from exc
        kwargs = self._nested("module")
        kwargs |= _size_arguments(self.module, n_features, n_outputs, given=kwargs)
        _check_accepts(self.module, kwargs, "module")
        return self.module(**kwargs)

    def _build_optimizer(self, module: nn.Module) -> torch.optim.Optimizer:
        kwargs = {"lr": float(self.lr), **self._nested("optimizer")}
        _check_accepts(self.optimizer, kwargs, "optimizer", first="params")
        return self.optimizer(module.parameters(), **kwargs)

    def _train(
        self, train: tuple[np.ndarray, np.ndarray], val: tuple[np.ndarray, np.ndarray] | None,
        *, epochs: int, early_stopping: bool, fit_callbacks: Sequence[Callback] = (),
    ) -> None:
        trainer, named = self._trainer(early_stopping and val is not None, fit_callbacks)
        with _isolated_rng():
            if self.seed is not None:  # partial_fit: dropout masks follow the seed, not the caller
                torch.manual_seed(int(self.seed) + self.n_epochs_)
            history = trainer.fit(train, val=val, epochs=epochs, batch_size=int(self.batch_size))
        self.module_.eval()
        # A trainer that holds another object's callbacks is not kept: the next partial_fit
        # starts a trainer of its own rather than calling them again.
        self.trainer_, self.callbacks_ = (None if fit_callbacks else trainer), named
        self.history_ = [*self.history_, *(dict(record) for record in history.records)]
        self.n_epochs_ = trainer.epoch
        self.best_epoch_ = _kept_epoch(named.get(EARLY_STOPPING), self.n_epochs_)

    def _trainer(self, early_stopping: bool,
                 fit_callbacks: Sequence[Callback] = ()) -> tuple[Trainer, dict[str, Callback]]:
        """A Trainer for this call; partial_fit keeps the previous one's optimizer and counters."""
        previous = getattr(self, "trainer_", None)
        if previous is not None and not early_stopping and EARLY_STOPPING not in (self.callbacks_ or {}):
            return previous, self.callbacks_ or {}
        named = self._callbacks_for_training(early_stopping)
        module = self.module_
        optimizer = previous.optimizer if previous is not None else self._build_optimizer(module)
        trainer = Trainer(
            module,
            self._loss(_device_of(module)),
            optimizer=optimizer,
            callbacks=[*named.values(), *fit_callbacks],
            seed=None if self.seed is None else int(self.seed),
            device=_device_of(module),
            guards=True,
            verbose=int(self.verbose),
        )
        trainer.epoch = self.n_epochs_
        return trainer, named

    def _callbacks_for_training(self, early_stopping: bool) -> dict[str, Callback]:
        """Fresh copies of the callbacks, by name, with the ``callbacks__<name>__*`` values applied."""
        overrides = _group_callback_overrides(self._nested("callbacks"))
        named: dict[str, Callback] = {}
        if early_stopping:
            named[EARLY_STOPPING] = _early_stopping(int(self.patience), overrides.get(EARLY_STOPPING, {}))
        named |= {name: copy.deepcopy(cb) for name, cb in _named_callbacks(self.callbacks)}
        for name, values in overrides.items():
            if name == EARLY_STOPPING:
                continue  # applied above, or early stopping is off for this call
            if name not in named:
                raise InvalidParameterError(
                    f"no callback is named {name!r}",
                    where=f"callbacks__{name}__*",
                    fix=f"use one of: {', '.join(named) or 'none (pass callbacks=...)'}",
                )
            named[name] = _reconfigured(name, named[name], values)
        return named

    # --- predicting ------------------------------------------------------------------------------

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "module_")

    def _forward(self, X: Any) -> np.ndarray:
        """Raw network outputs for validated rows, computed in float64.

        Training runs in float32, but a float32 matrix product rounds differently depending on how
        many rows share it, so a row's prediction would change in the last digits with the other
        rows of the request. Evaluating the same weights in float64 makes it depend on the row alone.
        """
        X = validate_data(self, X, reset=False, dtype=_FLOAT_DTYPES)
        module = self.module_.eval()
        device = _device_of(module)
        weights = _float64_state(module)
        outputs = []
        with torch.no_grad():
            for start in range(0, X.shape[0], PREDICT_CHUNK_ROWS):
                chunk = torch.from_numpy(np.array(X[start : start + PREDICT_CHUNK_ROWS], dtype=np.float64))
                out = functional_call(module, weights, (chunk.to(device),))
                outputs.append(out.detach().to("cpu", torch.float64))
        return torch.cat(outputs).numpy()

    # --- saving ----------------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """Plain data only: the network as NumPy arrays, no live Trainer (so skops can save it)."""
        state = dict(super().__getstate__())  # object.__getstate__ returns __dict__ itself: copy it
        module = state.pop("module_", None)
        if module is not None:
            state[_WEIGHTS] = {k: v.detach().cpu().numpy().copy() for k, v in module.state_dict().items()}
        for key in _NOT_SAVED:
            if key in state:
                state[key] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        weights = state.pop(_WEIGHTS, None)
        super().__setstate__(state)
        if weights is not None:
            self.module_ = self._restore_module(weights)

    def _restore_module(self, weights: Mapping[str, np.ndarray]) -> nn.Module:
        """Rebuild the network from the constructor arguments, then load the saved arrays into it.

        Only ``None`` (the built-in MLP) or an ``nn.Module`` subclass is ever called here, so a
        crafted file cannot make loading call an arbitrary function.
        """
        if not (self.module is None or _is_module_class(self.module)):
            raise ValueError(f"refusing to rebuild the network from module={self.module!r}")
        with _isolated_rng():  # initialising the layers draws random numbers that are then overwritten
            module = self._build_module(int(self.n_features_in_), int(self.n_outputs_))
        module.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()})
        return module.to(_restore_device(self.device)).eval()

    # --- what subclasses provide -----------------------------------------------------------------

    def _validate_xy(self, X: Any, y: Any, *, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _learn_targets(self, y: np.ndarray, *, classes: Any, partial: bool) -> np.ndarray:
        """Learn the target encoding (classes, or mean and scale) and return y encoded for the loss."""
        raise NotImplementedError

    def _encode_targets(self, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _validate_y_val(self, y_val: Any) -> np.ndarray:
        raise NotImplementedError

    def _check_same_classes(self, classes: Any) -> None:
        """partial_fit after the first call: classes, if passed again, must not change."""

    def _holdout(self, targets: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _loss(self, device: torch.device) -> nn.Module:
        raise NotImplementedError


class NeuralNetClassifier(ClassifierMixin, _NeuralNet):
    """A neural-network classifier trained by trainguard's guarded Trainer.

    The network returns one logit per class (two for a binary problem) and is trained with
    ``CrossEntropyLoss``: one loss and one probability formula (softmax) for every number of
    classes, and ``class_weight`` maps directly onto the loss's ``weight``.

    Parameters: ``module`` (``None`` for the built-in MLP, or an ``nn.Module`` class; see the
    module docstring for the contract), ``hidden_layer_sizes``, ``activation`` (``relu``, ``tanh``,
    ``logistic``, ``identity``, ``gelu``, ``silu``, ``elu``, ``leaky_relu``), ``batch_norm``,
    ``dropout`` (built-in MLP only), ``optimizer`` (a ``torch.optim`` class, called as
    ``optimizer(params, lr=lr, **optimizer__*)``), ``lr``, ``batch_size``, ``max_epochs``,
    ``validation_fraction`` (a stratified hold-out for early stopping), ``early_stopping`` and
    ``patience`` (epochs without a lower validation loss; the best epoch's weights are kept),
    ``callbacks`` (trainguard Callbacks: a list, ``(name, callback)`` pairs or a dict; unnamed ones
    are named after their class in snake_case), ``class_weight`` (``None``, ``"balanced"`` or
    ``{label: weight}``), ``seed`` (``None`` for a different network each fit), ``device``
    (``"auto"`` picks CUDA when available) and ``verbose``.

    ``fit(X, y, X_val=None, y_val=None)``: explicit validation rows replace the hold-out.
    ``partial_fit(X, y, classes=None)`` trains one more epoch on all given rows without
    re-initialising (``classes`` is required on the first call). Fitted attributes: ``classes_``,
    ``n_features_in_``, ``feature_names_in_``, ``n_outputs_`` (network outputs), ``class_weight_``,
    ``module_``, ``history_`` (per-epoch logs), ``n_epochs_``, ``best_epoch_`` (the epoch whose
    weights are kept, 1-based), and, until the estimator is saved, ``trainer_`` and ``callbacks_``
    (the live training objects; a loaded estimator predicts, and partial_fit continues from its
    weights with a fresh optimizer).
    """

    def __init__(
        self,
        module: type[nn.Module] | None = None,
        *,
        hidden_layer_sizes: tuple[int, ...] = (64, 32),
        activation: str = "relu",
        batch_norm: bool = False,
        dropout: float = 0.0,
        optimizer: Any = torch.optim.Adam,
        lr: float = 1e-3,
        batch_size: int = 64,
        max_epochs: int = 100,
        validation_fraction: float = 0.1,
        early_stopping: bool = True,
        patience: int = 10,
        callbacks: Any = None,
        class_weight: str | Mapping[Any, float] | None = None,
        seed: int | None = 0,
        device: str = "auto",
        verbose: int = 0,
    ) -> None:
        super().__init__(
            module,
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            batch_norm=batch_norm,
            dropout=dropout,
            optimizer=optimizer,
            lr=lr,
            batch_size=batch_size,
            max_epochs=max_epochs,
            validation_fraction=validation_fraction,
            early_stopping=early_stopping,
            patience=patience,
            callbacks=callbacks,
            seed=seed,
            device=device,
            verbose=verbose,
        )
        self.class_weight = class_weight

    def fit(self, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None,
            fit_callbacks: Sequence[Callback] = ()) -> NeuralNetClassifier:
        """Train a new network for at most ``max_epochs`` epochs, early-stopped on validation rows.

        ``fit_callbacks`` watch (or stop, by flag) this one training run and are used as given,
        not copied like ``callbacks``: a hyperparameter search passes its pruning callback here.
        """
        return self._fit(X, y, X_val, y_val, fit_callbacks)

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> NeuralNetClassifier:
        """One more epoch on these rows, continuing from the current weights; no early stopping."""
        return self._partial_fit(X, y, classes)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (softmax of the logits, in float64), columns in ``classes_`` order."""
        check_is_fitted(self)
        return softmax(self._forward(X), axis=1)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class per row, as labels from ``classes_``."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def _validate_xy(self, X: Any, y: Any, *, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(self, X, y, reset=reset, dtype=_FLOAT_DTYPES)
        check_classification_targets(y)
        return X, y

    def _learn_targets(self, y: np.ndarray, *, classes: Any, partial: bool) -> np.ndarray:
        if partial and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit")
        self.classes_ = np.unique(y if classes is None else column_or_1d(classes))
        if len(self.classes_) < 2:
            found = f"only one class, {self.classes_[0]!r}" if len(self.classes_) else "no class"
            raise ValueError(f"a classifier needs samples of at least 2 classes, but the data has {found}")
        if partial and isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise InvalidParameterError(
                "class_weight='balanced' is computed from all of y, which partial_fit never sees",
                where="class_weight",
                fix="compute them once (sklearn.utils.class_weight.compute_class_weight) and pass a dict",
            )
        self.n_outputs_ = len(self.classes_)
        codes = self._encode_targets(y)
        self.class_weight_ = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        return codes

    def _encode_targets(self, y: np.ndarray) -> np.ndarray:
        """Class indices into ``classes_`` (int64, as CrossEntropyLoss wants); unknown labels raise."""
        positions = np.clip(np.searchsorted(self.classes_, y), 0, len(self.classes_) - 1)
        unknown = self.classes_[positions] != y
        if np.any(unknown):
            labels = np.unique(np.asarray(y)[unknown])[:5].tolist()
            known = self.classes_.tolist()
            raise ValueError(f"y contains labels that are not among classes_ {known}: {labels}")
        return positions.astype(np.int64)

    def _validate_y_val(self, y_val: Any) -> np.ndarray:
        return column_or_1d(check_array(y_val, ensure_2d=False, dtype=None, input_name="y_val"))

    def _check_same_classes(self, classes: Any) -> None:
        if classes is not None and not np.array_equal(np.unique(column_or_1d(classes)), self.classes_):
            raise ValueError(
                f"classes={np.unique(classes).tolist()} differs from the first call's "
                f"{self.classes_.tolist()}"
            )

    def _holdout(self, targets: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return stratified_holdout(targets, float(self.validation_fraction), rng)

    def _loss(self, device: torch.device) -> nn.Module:
        weights = np.asarray(self.class_weight_, dtype=np.float32)
        if np.all(weights == 1):
            return nn.CrossEntropyLoss()
        return nn.CrossEntropyLoss(weight=torch.from_numpy(weights).to(device))


class NeuralNetRegressor(RegressorMixin, _NeuralNet):
    """A neural-network regressor trained by trainguard's guarded Trainer; ``y`` may be 2-D.

    Targets are standardised internally (``y_mean_``, ``y_scale_``, learned from the ``y`` of ``fit``
    or of the first ``partial_fit``) and predictions mapped back:
    a freshly initialised network outputs values near 0 with unit spread, so a target around 1000
    would otherwise take most of the training budget just to reach the right scale. The loss is
    ``MSELoss`` on the standardised targets, so ``history_`` losses are in those units.

    Parameters and methods are those of :class:`NeuralNetClassifier` without ``class_weight``
    (the validation hold-out is a plain random one) and with ``partial_fit(X, y)``.
    """

    def fit(self, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None,
            fit_callbacks: Sequence[Callback] = ()) -> NeuralNetRegressor:
        """Train a new network for at most ``max_epochs`` epochs, early-stopped on validation rows.

        ``fit_callbacks`` watch (or stop, by flag) this one training run and are used as given,
        not copied like ``callbacks``: a hyperparameter search passes its pruning callback here.
        """
        return self._fit(X, y, X_val, y_val, fit_callbacks)

    def partial_fit(self, X: Any, y: Any) -> NeuralNetRegressor:
        """One more epoch on these rows, continuing from the current weights; no early stopping."""
        return self._partial_fit(X, y)

    def predict(self, X: Any) -> np.ndarray:
        """Predictions in the units of ``y``, 1-D when the model was fit on 1-D ``y``."""
        check_is_fitted(self)
        values = self._forward(X) * self.y_scale_ + self.y_mean_
        return values.ravel() if self._y_ndim == 1 else values

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # one network output per target column
        return tags

    def _validate_xy(self, X: Any, y: Any, *, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        return validate_data(self, X, y, reset=reset, dtype=_FLOAT_DTYPES, multi_output=True, y_numeric=True)

    def _learn_targets(self, y: np.ndarray, *, classes: Any, partial: bool) -> np.ndarray:
        columns = y.reshape(len(y), -1).astype(np.float64)
        self._y_ndim = y.ndim
        self.n_outputs_ = columns.shape[1]
        self.y_mean_ = columns.mean(axis=0)
        scale = columns.std(axis=0)
        self.y_scale_ = np.where(scale > np.finfo(np.float64).eps * 10, scale, 1.0)  # constant target
        return self._encode_targets(y)

    def _encode_targets(self, y: np.ndarray) -> np.ndarray:
        columns = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if columns.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {columns.shape[1]} target column(s), but the model has {self.n_outputs_}"
            )
        return ((columns - self.y_mean_) / self.y_scale_).astype(np.float32)

    def _validate_y_val(self, y_val: Any) -> np.ndarray:
        return check_array(y_val, ensure_2d=False, dtype=_FLOAT_DTYPES, input_name="y_val")

    def _holdout(self, targets: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return random_holdout(len(targets), float(self.validation_fraction), rng)

    def _loss(self, device: torch.device) -> nn.Module:
        return nn.MSELoss()


# --- validation hold-outs --------------------------------------------------------------------------


def stratified_holdout(
    codes: np.ndarray, fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``(train_rows, val_rows)``: about ``fraction`` of each class held out, largest remainders first.

    Unlike ``train_test_split(stratify=...)`` it never fails on small data: every class keeps at
    least one training row, and a class with a single row stays entirely in training.
    """
    classes, counts = np.unique(codes, return_counts=True)
    quota = fraction * counts
    take = np.minimum(np.floor(quota).astype(int), counts - 1)
    missing = math.ceil(fraction * len(codes)) - int(take.sum())
    order = np.argsort(-(quota - np.floor(quota)), kind="stable")
    while missing > 0 and np.any(take < counts - 1):
        for i in order:
            if missing > 0 and take[i] < counts[i] - 1:
                take[i] += 1
                missing -= 1
    if take.sum() == 0:
        raise ValueError(
            f"early stopping needs validation rows, but with n_samples={len(codes)} no class has a row to "
            "spare; pass early_stopping=False, explicit X_val/y_val, or more data"
        )
    held = [
        rng.choice(np.flatnonzero(codes == c), size=k, replace=False)
        for c, k in zip(classes, take, strict=True)
    ]
    val_rows = np.sort(np.concatenate(held))
    return np.setdiff1d(np.arange(len(codes)), val_rows), val_rows


def random_holdout(n: int, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``(train_rows, val_rows)`` with ``ceil(fraction * n)`` validation rows, at least one of each."""
    n_val = math.ceil(fraction * n)
    if n - n_val < 1:
        raise ValueError(
            f"early stopping needs validation rows, but n_samples={n} leaves none for training after "
            f"holding out {n_val}; pass early_stopping=False, explicit X_val/y_val, or more data"
        )
    order = rng.permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


# --- helpers ---------------------------------------------------------------------------------------

#: What the built-in early stopping is built with, besides ``patience``.
_EARLY_STOPPING: Final = {"monitor": "val_loss", "restore_best_weights": True}


def _early_stopping(patience: int, overrides: Mapping[str, Any]) -> EarlyStopping:
    kwargs = {**_EARLY_STOPPING, "patience": patience, **overrides}
    _check_accepts(EarlyStopping, kwargs, f"callbacks__{EARLY_STOPPING}")
    try:
        return EarlyStopping(**kwargs)
    except ConfigError as exc:
        raise InvalidParameterError(exc.what, where=f"callbacks__{EARLY_STOPPING}__*", fix=exc.fix) from exc


def _kept_epoch(stopper: Callback | None, n_epochs: int) -> int:
    """1-based epoch whose weights the network holds: the best one when early stopping restored it."""
    if isinstance(stopper, EarlyStopping) and stopper.restore_best_weights and stopper.best_epoch is not None:
        return stopper.best_epoch + 1
    return n_epochs


def _named_callbacks(spec: Any) -> list[tuple[str, Callback]]:
    """``callbacks`` as ``(name, callback)`` pairs: None, a dict, or a list of callbacks and pairs."""
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        items: list[Any] = list(spec.items())
    elif isinstance(spec, (list, tuple)):
        items = [(None, item) if isinstance(item, Callback) else item for item in spec]
    else:
        raise _callbacks_error(f"callbacks must be None, a list or a dict, got {type(spec).__name__}")
    named: list[tuple[str, Callback]] = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Callback)):
            raise _callbacks_error(f"{item!r} is not a Callback or a (name, Callback) pair")
        named.append((_callback_name(item[0], item[1], {n for n, _ in named}), item[1]))
    return named


def _callback_name(given: Any, callback: Callback, taken: set[str]) -> str:
    if given is not None:
        usable = isinstance(given, str) and given and "__" not in given
        if not usable or given == EARLY_STOPPING or given in taken:
            raise _callbacks_error(
                f"callback name {given!r} must be a new, non-empty string without '__', other than "
                f"{EARLY_STOPPING!r} (the built-in early stopping)"
            )
        return given
    base = re.sub(r"(?<!^)(?=[A-Z])", "_", type(callback).__name__).lower()
    name, number = base, 1
    while name in taken or name == EARLY_STOPPING:
        number += 1
        name = f"{base}_{number}"
    return name


def _callbacks_error(what: str) -> InvalidParameterError:
    return InvalidParameterError(
        what,
        where="callbacks",
        fix="pass e.g. callbacks=[GradientClipping(1.0)] or {'clip': GradientClipping(1.0)}",
    )


def _group_callback_overrides(nested: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for key, value in nested.items():
        name, attribute = key.split("__", 1)
        grouped.setdefault(name, {})[attribute] = value
    return grouped


def _reconfigured(name: str, callback: Callback, values: Mapping[str, Any]) -> Callback:
    """The callback built again with some constructor arguments changed, like ``clone`` + ``set_params``.

    Rebuilding, rather than setting attributes, keeps derived state right (GradientClipping only
    computes gradient norms when ``max_norm`` is set at construction).
    """
    settings = {k.rsplit("__", 1)[1]: v for k, v in _callback_settings(name, callback).items()}
    unknown = sorted(set(values) - set(settings))
    if unknown:
        raise InvalidParameterError(
            f"callback {name!r} ({type(callback).__name__}) has no setting {', '.join(map(repr, unknown))}",
            where=", ".join(f"callbacks__{name}__{u}" for u in unknown),
            fix=f"use a constructor argument it keeps as an attribute: {', '.join(settings) or 'none'}",
        )
    rebuilt: Callback = type(callback)(**{**settings, **values})
    return rebuilt


def _callback_settings(name: str, callback: Callback) -> dict[str, Any]:
    """A callback's constructor arguments as nested parameter keys, when it keeps all as attributes.

    A callback that keeps only some cannot be rebuilt faithfully, so it exposes none.
    """
    try:
        parameters = inspect.signature(type(callback)).parameters.values()
    except (TypeError, ValueError):
        return {}
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if not all(hasattr(callback, n) for n in names):
        return {}
    return {f"callbacks__{name}__{n}": getattr(callback, n) for n in names}


def _check_nested_name(key: str, owner: str) -> None:
    prefix, _, rest = key.partition("__")
    parts = rest.split("__")
    ok = prefix in NESTED_PREFIXES and all(parts) and len(parts) == (2 if prefix == "callbacks" else 1)
    if not ok:
        raise InvalidParameterError(
            f"invalid nested parameter {key!r} for {owner}",
            where="set_params",
            fix="nested keys are module__<arg>, optimizer__<arg> or callbacks__<name>__<setting>",
        )


def _keyword_defaults(factory: Any, prefix: str, *, skip: set[str]) -> dict[str, Any]:
    """``{prefix__arg: default}`` for a callable's keyword arguments with defaults; {} if unknowable."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {
        f"{prefix}__{p.name}": p.default
        for p in parameters
        if p.default is not p.empty
        and p.name not in skip
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }


def _check_accepts(factory: Any, kwargs: Mapping[str, Any], prefix: str, first: str | None = None) -> None:
    """Refuse ``prefix__*`` names that ``factory`` does not take, before calling it."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return
    unknown = sorted(set(kwargs) - set(parameters) - ({first} if first else set()))
    if unknown:
        accepted = [n for n, p in parameters.items() if n != first and p.kind is not p.VAR_POSITIONAL]
        name = getattr(factory, "__name__", repr(factory))
        raise InvalidParameterError(
            f"{name} takes no argument {', '.join(map(repr, unknown))}",
            where=", ".join(f"{prefix}__{u}" for u in unknown),
            fix=f"use one of {', '.join(accepted)}",
        )


def _size_arguments(
    factory: Any, n_features: int, n_outputs: int, *, given: Mapping[str, Any]
) -> dict[str, int]:
    """The input/output sizes the module's ``__init__`` takes and the user did not set."""
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return {}
    open_ended = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    found: dict[str, int] = {}
    for names, value in ((INPUT_SIZE_NAMES, n_features), (OUTPUT_SIZE_NAMES, n_outputs)):
        if any(name in given for name in names):
            continue
        name = next((n for n in names if n in parameters), names[0] if open_ended else None)
        if name is not None:
            found[name] = value
    return found


def _require(ok: bool, name: str, value: Any, expected: str, example: str) -> None:
    if not ok:
        raise InvalidParameterError(
            f"{name} must be {expected}, got {value!r}", where=name, fix=f"pass e.g. {name}={example}"
        )


def _is_int(value: Any, minimum: int) -> bool:
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_)) and int(value) >= minimum


def _is_module_class(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, nn.Module)


def _is_real(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_)) and math.isfinite(value)


def _resolve(device: Any) -> torch.device:
    try:
        return resolve_device(device)
    except ConfigError as exc:
        raise InvalidParameterError(exc.what, where="device", fix=exc.fix) from exc


def _restore_device(device: Any) -> torch.device:
    """Where a loaded network goes: the requested device, or the CPU (with a warning) if it is absent."""
    try:
        return resolve_device(device)
    except ConfigError as exc:
        warnings.warn(f"{exc.what}; the loaded network runs on the CPU", TrainguardWarning, stacklevel=3)
        return torch.device("cpu")


def _device_of(module: nn.Module) -> torch.device:
    return next((p.device for p in module.parameters()), torch.device("cpu"))


def _float64_state(module: nn.Module) -> dict[str, torch.Tensor]:
    """The module's parameters and buffers with floating ones in float64, for ``functional_call``."""
    state = {**dict(module.named_parameters()), **dict(module.named_buffers())}
    return {k: v.detach().double() if v.is_floating_point() else v for k, v in state.items()}


@contextmanager
def _isolated_rng() -> Iterator[None]:
    """Training seeds Python's, NumPy's and torch's global generators; put the caller's back after."""
    saved = rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)


__all__ = [
    "InvalidParameterError",
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "random_holdout",
    "stratified_holdout",
]
