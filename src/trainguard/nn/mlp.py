"""The default network of :class:`~trainguard.nn.NeuralNetClassifier` / ``NeuralNetRegressor``.

A plain multilayer perceptron for tabular data: ``Linear -> [BatchNorm] -> activation -> [Dropout]``
per hidden layer, then a linear output layer that returns logits (classification) or values
(regression). It is described entirely by its constructor arguments, so a saved estimator can
rebuild it from those arguments plus a ``state_dict`` of arrays, without storing code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Final

import torch.nn.functional as F
from torch import Tensor, nn

from trainguard.errors import ConfigError

#: Activation names, as scikit-learn's MLP spells them where it has them ("logistic", "identity").
ACTIVATIONS: Final[dict[str, Callable[[], nn.Module]]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "logistic": nn.Sigmoid,
    "identity": nn.Identity,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "elu": nn.ELU,
    "leaky_relu": nn.LeakyReLU,
}


class BatchNorm(nn.BatchNorm1d):
    """``BatchNorm1d`` that normalises a one-row training batch with its running statistics.

    One row has no variance, so the stock layer raises; with in-memory data that happens whenever
    the row count leaves a single row over for the last batch (e.g. 129 rows in batches of 64),
    which no user should have to plan around.
    """

    def forward(self, x: Tensor) -> Tensor:
        if self.training and x.shape[0] == 1 and self.running_mean is not None:
            return F.batch_norm(
                x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps
            )
        return super().forward(x)


class MLP(nn.Module):
    """``n_features`` inputs -> hidden layers -> ``n_outputs`` raw outputs (logits or values).

    ``hidden_layer_sizes=()`` gives a linear model. ``dropout`` is the drop probability after each
    hidden activation (0 disables it).
    """

    def __init__(
        self,
        n_features: int,
        n_outputs: int,
        hidden_layer_sizes: Sequence[int] = (64, 32),
        activation: str = "relu",
        batch_norm: bool = False,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        sizes = check_mlp_args(n_features, n_outputs, hidden_layer_sizes, activation, dropout)
        layers: list[nn.Module] = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            layers += _hidden_block(n_in, n_out, activation, bool(batch_norm), float(dropout))
        layers.append(nn.Linear(sizes[-1], n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)


def _hidden_block(
    n_in: int, n_out: int, activation: str, batch_norm: bool, dropout: float
) -> list[nn.Module]:
    block: list[nn.Module] = [nn.Linear(n_in, n_out)]
    if batch_norm:
        block.append(BatchNorm(n_out))
    block.append(ACTIVATIONS[activation]())
    if dropout:
        block.append(nn.Dropout(dropout))
    return block


def check_mlp_args(
    n_features: int, n_outputs: int, hidden_layer_sizes: Sequence[int], activation: str, dropout: float
) -> list[int]:
    """Layer widths ``[n_features, *hidden]``, or a ConfigError naming the bad argument."""
    for name, value in (("n_features", n_features), ("n_outputs", n_outputs)):
        if not _positive_int(value):
            raise ConfigError(f"{name} must be a positive integer, got {value!r}", where=f"MLP({name}=...)")
    sizes_ok = isinstance(hidden_layer_sizes, Sequence) and not isinstance(hidden_layer_sizes, (str, bytes))
    if not sizes_ok or not all(_positive_int(size) for size in hidden_layer_sizes):
        raise ConfigError(
            f"hidden_layer_sizes must be a sequence of positive integers, got {hidden_layer_sizes!r}",
            where="hidden_layer_sizes",
            fix="pass e.g. hidden_layer_sizes=(64, 32), or () for a linear model",
        )
    if activation not in ACTIVATIONS:
        raise ConfigError(
            f"unknown activation {activation!r}",
            where="activation",
            fix=f"use one of {', '.join(map(repr, ACTIVATIONS))}",
        )
    if isinstance(dropout, bool) or not isinstance(dropout, Real) or not 0 <= dropout < 1:
        raise ConfigError(
            f"dropout must be a probability in [0, 1), got {dropout!r}",
            where="dropout",
            fix="pass e.g. dropout=0.1, or 0 for none",
        )
    return [int(n_features), *(int(size) for size in hidden_layer_sizes)]


def _positive_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool) and int(value) >= 1
