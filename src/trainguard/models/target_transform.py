"""A searched transform of a regression target: ``none``, ``log1p`` or ``yeo-johnson``.

A heavy-tailed target (costs, prices, counts) makes a squared-error model spend its capacity on
the few largest rows; fitting on ``log1p(y)`` or a Yeo-Johnson transform of ``y`` and mapping the
predictions back often scores better on the original scale too. Whether it does is data-dependent,
so it is a search parameter like any other: every trial is scored on the original scale (the
fitted model is scikit-learn's ``TransformedTargetRegressor``, whose ``predict`` inverts the
transform), and the search keeps whatever scores best.

What is offered is decided on the training rows alone (:meth:`TargetShape.of`): ``log1p`` only
for a target with no negative value, and the first trial uses a transform only when the target is
skewed (``|skew| > SKEW_THRESHOLD``): the log for a non-negative target, else Yeo-Johnson.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: The parameter name in a family's search space (and in ``--space`` files).
TARGET_TRANSFORM = "target_transform"
NONE, LOG1P, YEO_JOHNSON = "none", "log1p", "yeo-johnson"
#: Sample skewness above which the untuned first trial already transforms the target: beyond 1 a
#: distribution is conventionally "highly skewed" (Bulmer 1979, Principles of Statistics).
SKEW_THRESHOLD = 1.0


@dataclass(frozen=True)
class TargetShape:
    """What the transform choice needs to know about the training target: two facts, no rows."""

    nonnegative: bool
    skewed: bool

    @classmethod
    def of(cls, y: Any) -> TargetShape:
        """The shape of a training target (call it on training rows only)."""
        from scipy.stats import skew

        values = np.asarray(y, dtype=float)
        values = values[np.isfinite(values)]
        if len(values) < 3 or np.ptp(values) == 0:
            return cls(nonnegative=bool((values >= 0).all()), skewed=False)
        return cls(nonnegative=bool((values >= 0).all()), skewed=bool(abs(skew(values)) > SKEW_THRESHOLD))

    def choices(self) -> list[str]:
        return [NONE, LOG1P, YEO_JOHNSON] if self.nonnegative else [NONE, YEO_JOHNSON]

    def default(self) -> str:
        if not self.skewed:
            return NONE
        return LOG1P if self.nonnegative else YEO_JOHNSON


def transformer(choice: str) -> Any:
    """The scikit-learn transformer of ``choice`` (``None`` for ``none``)."""
    from sklearn.preprocessing import FunctionTransformer, PowerTransformer

    if choice == LOG1P:
        return FunctionTransformer(func=np.log1p, inverse_func=np.expm1, check_inverse=False)
    if choice == YEO_JOHNSON:
        return PowerTransformer(method="yeo-johnson", standardize=True)
    if choice == NONE:
        return None
    raise ValueError(f"unknown target transform {choice!r}; choose one of {NONE}, {LOG1P}, {YEO_JOHNSON}")


def wrap(model: Any, choice: str) -> Any:
    """``model`` fitting on the transformed target and predicting on the original scale."""
    from sklearn.compose import TransformedTargetRegressor

    if choice == NONE:
        return model
    return TransformedTargetRegressor(regressor=model, transformer=transformer(choice), check_inverse=False)


def transformed(fitted_transformer: Any, y: Any) -> pd.Series:
    """``y`` through a fitted transformer, as a Series on ``y``'s index."""
    values = fitted_transformer.transform(np.asarray(y, dtype=float).reshape(-1, 1)).ravel()
    return pd.Series(values, index=getattr(y, "index", None))


def wrap_fitted(fitted_model: Any, fitted_transformer: Any, X: Any, y: Any) -> Any:
    """A fitted ``TransformedTargetRegressor`` around a model already fit on the transformed
    ``y`` (by a family's own fit, e.g. with early stopping): the model is frozen, so the wrapper's
    fit only fits the transformer, the same way again."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.frozen import FrozenEstimator

    return TransformedTargetRegressor(regressor=FrozenEstimator(fitted_model), transformer=fitted_transformer,
                                      check_inverse=False).fit(X, y)


def split(step: Any) -> tuple[Any, Any | None]:
    """The bare model of a pipeline's model step and its target transformer (None without one);
    fitted ones where the step is fitted."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.frozen import FrozenEstimator

    if not isinstance(step, TransformedTargetRegressor):
        return step, None
    model = getattr(step, "regressor_", step.regressor)
    if isinstance(model, FrozenEstimator):
        model = model.estimator
    return model, getattr(step, "transformer_", step.transformer)


def name_of(step: Any) -> str:
    """Which transform a pipeline's model step applies."""
    from sklearn.preprocessing import PowerTransformer

    _, fitted = split(step)
    if fitted is None:
        return NONE
    return YEO_JOHNSON if isinstance(fitted, PowerTransformer) else LOG1P
