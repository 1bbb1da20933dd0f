"""Saving and loading fitted pipelines with skops, never with pickle.

Loading a pickle runs whatever code the file names, so a model file from a shared folder or the
internet is an attack vector. skops stores the object graph as data and, on load, refuses any
type that is not on a trust list. We trust skops' defaults (scikit-learn, NumPy, SciPy) plus our
own transformers, and refuse everything else with an explanation.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from trainguard.errors import DataError

# Types of our own that appear inside saved pipelines. Kept explicit rather than "anything under
# trainguard." so a crafted file cannot name an arbitrary callable that happens to live here.
TRUSTED_TYPES: frozenset[str] = frozenset({
    "trainguard.features.preprocess.DatetimeFeatures",
    # The MLP candidate. A saved estimator holds its network as NumPy arrays and rebuilds it from
    # its own constructor arguments; loading calls no code named by the file (see
    # NeuralNet*._restore_module). Adam is its default optimizer *class*, stored as a reference.
    "trainguard.nn.estimators.NeuralNetClassifier",
    "trainguard.nn.estimators.NeuralNetRegressor",
    "torch.optim.adam.Adam",
    # The ensemble: a weighted average of fitted pipelines (their types are checked on their own).
    "trainguard.models.ensemble.WeightedEnsemble",
    # The LightGBM candidate: its estimators and their Booster, which skops rebuilds from the
    # model's text dump (``Booster.__setstate__`` parses it; no code is named by the file).
    "lightgbm.sklearn.LGBMClassifier",
    "lightgbm.sklearn.LGBMRegressor",
    "lightgbm.basic.Booster",
    # The CatBoost candidate: settings plus the booster as CatBoost's binary .cbm bytes, which
    # ``__setstate__`` hands to CatBoost's own parser (data, never code; see models/catboosting).
    "trainguard.models.catboosting.CatBoostClassifierModel",
    "trainguard.models.catboosting.CatBoostRegressorModel",
    # The XGBoost candidate: settings plus the booster as XGBoost's own UBJSON bytes (save_raw),
    # which ``__setstate__`` hands to XGBoost's parser (data, never code; see models/xgboosting).
    "trainguard.models.xgboosting.XGBoostClassifierModel",
    "trainguard.models.xgboosting.XGBoostRegressorModel",
    # --imbalance smote|undersample: imbalanced-learn's pipeline and samplers (they act only
    # during fit; a saved pipeline holds their settings as data).
    "imblearn.pipeline.Pipeline",
    "imblearn.over_sampling._smote.base.SMOTE",
    "imblearn.under_sampling._prototype_selection._random_under_sampler.RandomUnderSampler",
})
# Plain Python and NumPy types skops does not trust by default but that our pipelines contain.
# functools.partial is safe to allow because the function it wraps is checked on its own.
_HARMLESS_TYPES: frozenset[str] = frozenset({
    "builtins.bool", "builtins.int", "builtins.float", "builtins.str", "builtins.NoneType",
    "builtins.object", "numpy.dtype", "functools.partial", "numpy.dtypes.ObjectDType",
    "numpy.dtypes.Float64DType", "numpy.dtypes.Int64DType", "numpy.dtypes.BoolDType",
    "collections.OrderedDict",
})
# scikit-learn's own classes (e.g. the Cython tree of a forest) only hold data; skops leaves
# some off its default list, but constructing them runs no user-controlled code.
_TRUSTED_PREFIXES: tuple[str, ...] = ("sklearn.",)


def _is_allowed(type_name: str, allowed: frozenset[str]) -> bool:
    return type_name in allowed or type_name.startswith(_TRUSTED_PREFIXES)


def save_model(model: Any, path: str | os.PathLike[str]) -> None:
    import skops.io as sio  # imported on use: it loads all of scikit-learn (and torch) at import

    sio.dump(model, Path(path), compression=8)


def load_model(path: str | os.PathLike[str], *, trust: frozenset[str] = frozenset()) -> Any:
    """Load a pipeline saved by :func:`save_model`, refusing types that could run code.

    ``trust`` adds type names for users who saved their own estimator classes in a run.
    """
    import skops.io as sio

    file = Path(path)
    if not file.is_file():
        raise DataError("the model file is missing", where=str(file),
                        fix="point at a run folder written by 'trainguard train'")
    try:
        untrusted = sio.get_untrusted_types(file=file)
    except Exception as exc:  # noqa: BLE001 - any parse failure means an unusable file
        raise DataError(f"the model file cannot be read ({exc})", where=str(file),
                        fix="re-run 'trainguard train' to write it again") from exc
    allowed = TRUSTED_TYPES | _HARMLESS_TYPES | trust
    refused = sorted(t for t in untrusted if not _is_allowed(t, allowed))
    if refused:
        raise DataError(
            f"the model file names types that are not trusted: {', '.join(refused)}",
            where=str(file),
            fix="only load model files you produced; if you trust this one, pass those type "
                "names as trust=... to trainguard.load_run",
        )
    return sio.load(file, trusted=sorted(set(untrusted)))
