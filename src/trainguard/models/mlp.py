"""The PyTorch multilayer perceptron as a ``trainguard train`` candidate (``--models mlp``).

It follows the gradient-boosting recipe: the number of training epochs is chosen by early
stopping on an inner hold-out of the rows it is fit on (never the rows a search scores it on,
never the test rows), and the refit on train+validation then trains exactly that many epochs
with early stopping off.

torch is imported only when the candidate builds its model, so registering the candidate (and
``trainguard --help``) does not pay torch's import time.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from sklearn.pipeline import Pipeline

from trainguard.features.preprocess import build_preprocessor
from trainguard.models.base import EarlyStoppedCandidate, register, unwrap
from trainguard.models.threads import threads_for, torch_threads

if TYPE_CHECKING:
    from trainguard.nn.estimators import NeuralNetClassifier, NeuralNetRegressor


@register
class MultilayerPerceptron(EarlyStoppedCandidate):
    """A 64-32 ReLU network on standardised numbers and one-hot categories, early-stopped on an
    inner hold-out of its training rows."""

    name = "mlp"
    search_rank = 30
    reports_epochs = True
    #: Early stopping on the fold it is scored on would pick the epoch that suits those rows.
    inner_validation = True
    target_transform_ready = False  # the pruner compares its epochs' losses, on one scale
    description = (
        "a PyTorch multilayer perceptron (64-32, ReLU) on scaled, one-hot encoded features, "
        "early-stopped on inner rows"
    )

    @classmethod
    def search_space(cls, task: str) -> dict[str, Any]:
        """Width and depth (as ``"64-32"``: Optuna stores only scalars), step size and dropout."""
        return {
            "hidden_layer_sizes": {"type": "categorical", "choices": ["32", "64-32", "128-64"]},
            "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True, "grid": [3e-4, 1e-3, 3e-3]},
            "dropout": {"type": "float", "low": 0.0, "high": 0.3, "grid": [0.0, 0.1, 0.3]},
        }

    def configure(self, hyperparams: Any) -> dict[str, Any]:
        settings = dict(hyperparams)
        hidden = settings.get("hidden_layer_sizes")
        if isinstance(hidden, str):
            settings["hidden_layer_sizes"] = tuple(int(n) for n in hidden.split("-"))
        return settings

    def _model(self, **params: Any) -> NeuralNetClassifier | NeuralNetRegressor:
        from trainguard.nn.estimators import NeuralNetClassifier, NeuralNetRegressor

        if self.context.task == "regression":
            return NeuralNetRegressor(seed=self.context.seed, **params)
        return NeuralNetClassifier(seed=self.context.seed, **params)

    def build(self) -> Pipeline:
        # Scaled inputs and one-hot categories: a network's first layer is a weighted sum, so it
        # needs comparable feature scales and cannot use ordinal codes as if they were amounts.
        preprocess = build_preprocessor(self.context.schema, scale=True, categorical="onehot")
        return Pipeline([("preprocess", preprocess), ("model", self._model())])

    def _fit_model(self, model: Any, Xt: Any, y: pd.Series, Xv: Any | None, y_val: pd.Series | None,
                   epoch_callbacks: Sequence[Any] = ()) -> None:
        from trainguard.nn.callbacks.tensorboard import tensorboard_callback

        # TensorBoard curves for this fit only: the saved model must not hold a log writer.
        board = tensorboard_callback(self.context.tensorboard_dir, self.name, _fit_name(Xv is None))
        with torch_threads(threads_for(self.context.n_jobs, len(y))):
            model.fit(Xt, y, X_val=Xv, y_val=y_val, fit_callbacks=[*epoch_callbacks, *board])

    def _freeze_length(self, fresh: Any, selected: Any) -> None:
        fresh.set_params(max_epochs=max(1, int(selected.best_epoch_)), early_stopping=False)

    def params(self, fitted: Pipeline) -> dict[str, Any]:
        params = super().params(fitted)
        params["best_epoch_"] = int(unwrap(fitted)[0].named_steps["model"].best_epoch_)
        return params


_FITS = itertools.count(1)


def _fit_name(refit: bool) -> str:
    """The TensorBoard run of one fit: ``refit`` for the final one, else ``fit-001``, ``fit-002``..."""
    return "refit" if refit else f"fit-{next(_FITS):03d}"
