"""The candidate-model extension point.

A candidate is a small class that knows how to build its preprocessing-plus-model pipeline for a
task, how to fit it (possibly using validation rows, e.g. for early stopping), and how to refit
the chosen configuration on train+validation with what was learned frozen (e.g. the number of
boosting rounds). New model families (the PyTorch MLP, tuned search) register a subclass with
:func:`register`; the workflow only ever talks to this interface.
"""

from __future__ import annotations

import copy
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from trainguard.data.schema import Schema
from trainguard.data.target import Task
from trainguard.errors import ConfigError
from trainguard.models import target_transform as target


@dataclass(frozen=True)
class ModelContext:
    """What a candidate needs to know to build itself; never any data."""

    task: Task
    schema: Schema
    seed: int
    n_jobs: int = 1
    #: ``none``, ``weights`` (class weights in the loss) or ``smote`` / ``undersample`` (a sampler
    #: step after preprocessing, so it is refit inside every fold and never sees validation rows).
    imbalance: str = "none"
    #: ``trainguard train --tensorboard DIR``: network candidates write their curves under it.
    tensorboard_dir: str | None = None
    #: A regression target's shape on the training rows: which target transforms to search.
    target_shape: target.TargetShape | None = None


IMBALANCE_SAMPLERS = ("smote", "undersample")


class Deadline(Protocol):
    """When a fit that grows in steps (trees, rounds) should stop growing and keep what it has
    (:class:`trainguard.selection.budget.TrialLimit` is one)."""

    def past_deadline(self) -> bool: ...

    def seconds_left(self) -> float | None:
        """Seconds until the deadline, None when unknown (then only :meth:`past_deadline` says)."""
        ...


def units_that_fit(step: int, seconds_per_unit: float, seconds_left: float | None) -> int:
    """How many units (trees) the next step of a fit that grows in steps may grow: ``step``, or
    fewer when ``seconds_left`` says only fewer are expected to finish in time (0: stop growing).

    A step cannot be cut once started, so one started a second before the deadline ran its whole
    length past it (an extra-trees step of 30 trees on 70,000 rows ended 6.5 s past the search's
    deadline). ``seconds_per_unit`` is measured on the steps grown so far; unknown (not finite),
    the step is grown whole."""
    if seconds_left is None or not math.isfinite(seconds_per_unit) or seconds_per_unit <= 0:
        return step
    return max(0, min(step, int(seconds_left // seconds_per_unit)))


class Candidate(ABC):
    """One model family in the leaderboard."""

    name: ClassVar[str]
    description: ClassVar[str]
    #: Baselines are scored and reported, but never chosen as the final model.
    is_baseline: ClassVar[bool] = False
    #: Whether fitting reports per-epoch validation losses to the ``epoch_callbacks`` passed to
    #: :meth:`fit`, so a search prunes it per epoch rather than per fold.
    reports_epochs: ClassVar[bool] = False
    #: Whether SMOTE can interpolate this family's preprocessed rows. Not for native categorical
    #: codes or missing values (gradient boosting): such a family uses class weights instead.
    smote_ready: ClassVar[bool] = True
    #: Where the family comes in the default search order: cheapest and strongest-per-second first,
    #: so that under ``--budget`` the families most likely to win are reached before time runs out
    #: (the expensive forest and network come last). Ties keep the order of registration.
    search_rank: ClassVar[int] = 50
    #: Whether ``trainguard train`` tries the family when ``--models`` is not given. A family that
    #: another one supersedes (scikit-learn's boosting, by LightGBM: the same histogram algorithm,
    #: 4x quicker on the bundled data) stays available by name without lengthening every run.
    by_default: ClassVar[bool] = True
    #: Whether a regression search tries transforms of the target (see models/target_transform).
    #: Not for the network, whose per-epoch validation losses the pruner compares across trials.
    target_transform_ready: ClassVar[bool] = True

    @classmethod  # noqa: B027 - a hook that most families leave empty: they need nothing extra
    def check_available(cls) -> None:
        """Raise :class:`ConfigError` (what is missing, the install command) when the family's
        optional library is not installed."""

    def __init__(self, context: ModelContext, hyperparams: Mapping[str, Any] | None = None) -> None:
        self.context = context
        self.hyperparams: dict[str, Any] = dict(hyperparams or {})

    @abstractmethod
    def build(self) -> Pipeline:
        """An unfitted pipeline (``preprocess`` then ``model``) with this family's defaults."""

    @classmethod
    def search_space(cls, task: str) -> dict[str, Any]:
        """The documented hyperparameter ranges, in the format of :mod:`trainguard.selection.spaces`.

        Empty means "nothing to tune": the family is fitted once with its defaults.
        """
        return {}

    @classmethod
    def portfolio(cls, task: str) -> list[dict[str, Any]]:
        """Configurations known to be strong across many datasets, tried right after the defaults
        and before the search draws its own (cheapest first; cite where each comes from).

        Values outside a user's ``--space`` are dropped by the search; none means start searching.
        """
        return []

    def with_params(self, hyperparams: Mapping[str, Any]) -> Candidate:
        """A copy of this candidate that builds its model with ``hyperparams`` (names of its space)."""
        other = copy.copy(self)
        other.hyperparams = dict(hyperparams)
        return other

    def _transforms_target(self) -> bool:
        return self.context.task == "regression" and self.target_transform_ready and not self.is_baseline

    def target_transforms(self) -> list[str]:
        """The target transforms a search may try: none for classification, other families, or
        a context that does not know the training target's shape."""
        shape = self.context.target_shape
        return shape.choices() if shape is not None and self._transforms_target() else []

    def current_params(self) -> dict[str, Any]:
        """The untuned values of the searchable parameters (the first trial of a search)."""
        params = self.build().named_steps["model"].get_params(deep=False)
        if self._transforms_target():
            shape = self.context.target_shape
            params[target.TARGET_TRANSFORM] = shape.default() if shape is not None else target.NONE
        return params

    def configure(self, hyperparams: Mapping[str, Any]) -> dict[str, Any]:
        """Model constructor arguments for search parameters; override to decode encoded choices."""
        return dict(hyperparams)

    def pipeline(self) -> Pipeline:
        """``build()`` with this candidate's hyperparameters and the imbalance handling applied."""
        pipeline = self.build()
        model = pipeline.named_steps["model"]
        hyperparams = dict(self.hyperparams)
        transform = hyperparams.pop(target.TARGET_TRANSFORM, target.NONE)
        settings = self.configure(hyperparams)
        imbalance = self.context.imbalance
        if imbalance == "smote" and not self.smote_ready:
            imbalance = "weights"
        if imbalance == "weights" and not self.is_baseline and "class_weight" in model.get_params():
            settings.setdefault("class_weight", "balanced")
        if settings:
            model.set_params(**settings)
        if transform != target.NONE and self.target_transforms():
            pipeline.steps[-1] = ("model", target.wrap(model, transform))
        if imbalance in IMBALANCE_SAMPLERS and not self.is_baseline:
            from imblearn.pipeline import Pipeline as ImbPipeline

            steps = list(pipeline.steps)
            steps.insert(-1, ("resample", _sampler(imbalance, self.context.seed)))
            pipeline = ImbPipeline(steps)
        return pipeline

    def fit(
        self,
        X: pd.DataFrame,
        y: pd.Series,
        X_val: pd.DataFrame | None = None,
        y_val: pd.Series | None = None,
        *,
        epoch_callbacks: Sequence[Any] = (),
        row_keys: RowKeys | None = None,
        limit: Deadline | None = None,
    ) -> Pipeline:
        """Fit on training rows; validation rows may steer fitting but are never fit on.

        ``epoch_callbacks`` (``trainguard.nn`` callbacks) watch the training of a family that
        ``reports_epochs``, for this fit only; other families train in one go and ignore them.
        ``row_keys`` say how the run split its rows (an inner hold-out follows them); ``limit``
        stops a family that grows in steps once its deadline passes, keeping what it grew.
        """
        return self.pipeline().fit(X, y)

    def grown_length(self, fitted: Any) -> dict[str, int]:
        """The lengths (trees, rounds) a ``limit`` cut ``fitted`` to, by parameter name; empty when
        it grew to full length (or the family does not grow in steps)."""
        return {}

    def refit(self, selected: Any, X: pd.DataFrame, y: pd.Series) -> Any:
        """Fit the selected configuration again on more rows (train + validation).

        A tuned decision threshold (see :func:`with_threshold`) is kept as it was chosen.
        """
        pipeline, threshold = unwrap(selected)
        refitted = self._refit(pipeline, X, y)
        return refitted if threshold is None else with_threshold(refitted, threshold, X, y)

    def _refit(self, selected: Pipeline, X: pd.DataFrame, y: pd.Series) -> Pipeline:
        return clone(selected).fit(X, y)

    def params(self, fitted: Any) -> dict[str, Any]:
        """The model's hyperparameters worth reporting (the non-default ones)."""
        fitted, threshold = unwrap(fitted)
        model = fitted_model(fitted)
        defaults = type(model)().get_params(deep=False)
        params = {
            k: v for k, v in model.get_params(deep=False).items()
            if _jsonable(v) and defaults.get(k, object()) != v
        }
        if threshold is not None:
            params["threshold"] = threshold
        transform = target.name_of(fitted.named_steps["model"])
        if transform != target.NONE:
            params[target.TARGET_TRANSFORM] = transform
        if "resample" in fitted.named_steps:
            params["resample"] = type(fitted.named_steps["resample"]).__name__
        return params


def fitted_model(pipeline: Any) -> Any:
    """The model of a pipeline's ``model`` step, inside a target transform where there is one."""
    return target.split(pipeline.named_steps["model"])[0]


def _sampler(kind: str, seed: int) -> Any:
    if kind == "smote":
        from imblearn.over_sampling import SMOTE

        return SMOTE(random_state=seed)
    from imblearn.under_sampling import RandomUnderSampler

    return RandomUnderSampler(random_state=seed)


def unwrap(fitted: Any) -> tuple[Any, float | None]:
    """The pipeline inside a threshold wrapper, and the threshold (None when not wrapped)."""
    from sklearn.model_selection import FixedThresholdClassifier

    if isinstance(fitted, FixedThresholdClassifier):
        inner = fitted.estimator
        inner = getattr(inner, "estimator", inner)  # FrozenEstimator
        return inner, float(fitted.threshold)
    return fitted, None


def with_threshold(fitted: Pipeline, threshold: float, X: pd.DataFrame, y: pd.Series) -> Any:
    """Wrap a fitted binary classifier so it predicts the positive class above ``threshold``.

    scikit-learn's FixedThresholdClassifier around a FrozenEstimator: the pipeline is not
    refitted, and the wrapper saves with skops like any scikit-learn object.
    """
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import FixedThresholdClassifier

    wrapper = FixedThresholdClassifier(FrozenEstimator(fitted), threshold=threshold,
                                       response_method="predict_proba")
    return wrapper.fit(X, y)


#: The share of a fit's training rows an ``inner_validation`` family holds back to stop early on.
INNER_VALIDATION_SHARE = 0.15
#: Below this many training rows an inner hold-out is too small to steer stopping: fit without one.
INNER_VALIDATION_MIN_ROWS = 40


@dataclass(frozen=True)
class RowKeys:
    """How the run split its rows, so that an inner hold-out is cut the same way.

    ``kind`` is ``time`` (``values`` order the rows in time: the latest are held out, as the
    validation and test rows are the latest of the run) or ``group`` (``values`` label the rows'
    groups: whole groups are held out, so no group is on both sides). ``values`` is indexed by the
    rows' labels (the data's row positions in the training workflow).
    """

    kind: str
    values: pd.Series

    def of(self, y: pd.Series) -> np.ndarray:
        """The keys of ``y``'s rows, in ``y``'s order."""
        return self.values.loc[y.index].to_numpy()


def inner_split(y: pd.Series, task: Task, seed: int, share: float = INNER_VALIDATION_SHARE,
                keys: RowKeys | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Positions of the rows to fit on and of the rows to stop early on, drawn from ``y``'s rows
    alone; None when there are too few.

    With ``keys`` the hold-out follows the run's split: the latest ``share`` of the rows for a
    time split, whole groups for a grouped one. Otherwise it is random (stratified for classes
    where every class has two rows).

    Early stopping on the rows a fit is then *scored* on picks the length that suits exactly
    those rows, so the CV score is optimistic; the inner rows come out of the training fold.
    """
    n = len(y)
    if n < INNER_VALIDATION_MIN_ROWS:
        return None
    n_stop = int(np.ceil(share * n))
    if keys is not None and keys.kind == "time":
        order = np.argsort(pd.to_numeric(pd.Series(keys.of(y)), errors="coerce").to_numpy(),
                           kind="stable")
        return np.sort(order[:-n_stop]), np.sort(order[-n_stop:])
    if keys is not None and keys.kind == "group":
        from sklearn.model_selection import GroupShuffleSplit

        groups = keys.of(y)
        if len(pd.unique(groups)) < 2:
            return None
        splitter = GroupShuffleSplit(n_splits=1, test_size=share, random_state=seed)
        fit_rows, stop_rows = next(splitter.split(np.zeros((n, 1)), groups=groups))
        return np.sort(fit_rows), np.sort(stop_rows)
    from sklearn.model_selection import train_test_split

    stratify = None
    if task != "regression":
        counts = pd.Series(np.asarray(y)).value_counts()
        if counts.min() >= 2 and n_stop >= len(counts):
            stratify = np.asarray(y)
    fit_rows, stop_rows = train_test_split(np.arange(n), test_size=share, random_state=seed,
                                           stratify=stratify)
    return np.sort(fit_rows), np.sort(stop_rows)


class EarlyStoppedCandidate(Candidate):
    """A candidate whose length of training (boosting rounds, epochs) is chosen on held-out rows.

    ``fit`` runs the held-out rows through the preprocessing fit on the training rows (which
    ``Pipeline.fit`` cannot do) and lets the model stop early on them; ``refit`` trains again on
    train+validation for exactly the length found, with early stopping off. Subclasses say how
    their model takes validation data and how the learned length is frozen.

    With ``inner_validation`` the held-out rows are an :func:`inner_split` of the training rows
    handed to ``fit``, never the validation rows (which a search scores the fit on).
    """

    #: Stop early on rows held out of the training rows rather than on the validation rows.
    inner_validation: ClassVar[bool] = False
    #: Whether ``_fit_model`` takes the fit's ``limit`` (a :class:`Deadline`) and stops growing
    #: (boosting rounds) once it passes, keeping what it grew. It then leaves on the fitted model
    #: ``deadline_rounds_``: the rounds grown when the clock stopped it, None when it did not.
    grows_to_deadline: ClassVar[bool] = False
    #: The model's parameter that holds its length (rounds), as :meth:`grown_length` reports it.
    length_param: ClassVar[str] = "n_estimators"

    @abstractmethod
    def _fit_model(self, model: Any, Xt: Any, y: pd.Series, Xv: Any | None, y_val: pd.Series | None,
                   epoch_callbacks: Sequence[Any] = ()) -> None:
        """Fit the bare model on transformed rows; ``Xv``/``y_val`` are None for the refit."""

    @abstractmethod
    def _freeze_length(self, fresh: Any, selected: Any) -> None:
        """Set ``fresh`` to train as long as ``selected`` did, without early stopping."""

    def _prepare_model(self, model: Any, preprocess: Any) -> None:
        """Settings that depend on the fitted preprocessing (e.g. which outputs are categorical)."""

    def _fit_with(
        self,
        pipeline: Pipeline,
        X: pd.DataFrame,
        y: pd.Series,
        X_val: pd.DataFrame | None,
        y_val: pd.Series | None,
        epoch_callbacks: Sequence[Any] = (),
        limit: Deadline | None = None,
    ) -> Pipeline:
        preprocess = pipeline.named_steps["preprocess"].fit(X, y)
        model, transformer = target.split(pipeline.named_steps["model"])
        self._prepare_model(model, preprocess)
        has_val = X_val is not None and y_val is not None and len(X_val) > 0
        Xv = preprocess.transform(X_val) if has_val else None
        Xt, yt = preprocess.transform(X), y
        sampler = pipeline.named_steps.get("resample")
        if sampler is not None:
            # Resample the training rows only; the validation rows that steer stopping stay real.
            Xt, yt = sampler.fit_resample(Xt, y)
        extra = {"limit": limit} if self.grows_to_deadline and limit is not None else {}
        yv = y_val if has_val else None
        if transformer is not None:
            # Fit, and stop early, on the transformed target; predict on the original scale.
            transformer = clone(transformer).fit(np.asarray(yt, dtype=float).reshape(-1, 1))
            yv = None if yv is None else target.transformed(transformer, yv)
            self._fit_model(model, Xt, target.transformed(transformer, yt), Xv, yv, epoch_callbacks, **extra)
            model = target.wrap_fitted(model, clone(transformer), Xt, yt)
        else:
            self._fit_model(model, Xt, yt, Xv, yv, epoch_callbacks, **extra)
        steps = [("preprocess", preprocess), ("model", model)]
        if sampler is not None:
            from imblearn.pipeline import Pipeline as ImbPipeline

            return ImbPipeline([steps[0], ("resample", sampler), steps[1]])
        return Pipeline(steps)

    def fit(
        self,
        X: pd.DataFrame,
        y: pd.Series,
        X_val: pd.DataFrame | None = None,
        y_val: pd.Series | None = None,
        *,
        epoch_callbacks: Sequence[Any] = (),
        row_keys: RowKeys | None = None,
        limit: Deadline | None = None,
    ) -> Pipeline:
        if self.inner_validation:
            rows = inner_split(y, self.context.task, self.context.seed, keys=row_keys)
            if rows is None:
                X_val = y_val = None
            else:
                fit_rows, stop_rows = rows
                X_val, y_val = X.iloc[stop_rows], y.iloc[stop_rows]
                X, y = X.iloc[fit_rows], y.iloc[fit_rows]
        return self._fit_with(self.pipeline(), X, y, X_val, y_val, epoch_callbacks, limit)

    def grown_length(self, fitted: Any) -> dict[str, int]:
        stopped = getattr(fitted_model(unwrap(fitted)[0]), "deadline_rounds_", None)
        return {} if stopped is None else {self.length_param: int(stopped)}

    def _refit(self, selected: Pipeline, X: pd.DataFrame, y: pd.Series) -> Pipeline:
        fresh = clone(selected)
        chosen, transformer = target.split(selected.named_steps["model"])
        model = clone(chosen)
        self._freeze_length(model, chosen)
        if transformer is not None:
            model = target.wrap(model, target.name_of(selected.named_steps["model"]))
        fresh.steps[-1] = ("model", model)
        return self._fit_with(fresh, X, y, None, None)


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


_REGISTRY: dict[str, type[Candidate]] = {}


def register(cls: type[Candidate]) -> type[Candidate]:
    """Class decorator: make a candidate available to ``trainguard train --models``."""
    _REGISTRY[cls.name] = cls
    return cls


def available_candidates() -> dict[str, type[Candidate]]:
    return dict(_REGISTRY)


def resolve_candidates(names: list[str] | None) -> list[type[Candidate]]:
    """The candidate classes to try, always with the baseline first."""
    registry = available_candidates()
    baselines = [c for c in registry.values() if c.is_baseline]
    if not names:
        return baselines + sorted((c for c in registry.values() if not c.is_baseline and c.by_default),
                                  key=lambda c: c.search_rank)
    unknown = [n for n in names if n not in registry]
    if unknown:
        choices = ", ".join(n for n, c in registry.items() if not c.is_baseline)
        raise ConfigError(f"unknown model(s): {', '.join(unknown)}", where="--models",
                          fix=f"choose from: {choices}")
    chosen = [registry[n] for n in names if not registry[n].is_baseline]
    for cls in chosen:
        cls.check_available()
    if not chosen:
        raise ConfigError("no model to train besides the baseline", where="--models",
                          fix="name at least one real model")
    return baselines + chosen
