"""Regenerate the lint fact table (sklearn_facts.json) from the installed scikit-learn and imbalanced-learn.

Which call learns from which rows is data, not code: this script sorts every public scikit-learn
transformer (``sklearn.utils.all_estimators(type_filter="transformer")``), every splitter of
``sklearn.model_selection`` and every imbalanced-learn sampler into the kinds the linter knows. The
linter reads the JSON at start-up and never imports scikit-learn. A test regenerates the table and
fails when the committed file differs (a new scikit-learn release with a new transformer).

Run: ``.venv/bin/python scripts/gen_lint_facts.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "trainguard" / "lint" / "sklearn_facts.json"

# Transformers that learn nothing from the rows they are fit on (or only their number of columns):
# fitting them before a split is harmless.
STATELESS = {
    "AdditiveChi2Sampler",
    "Binarizer",
    "FeatureHasher",
    "FunctionTransformer",
    "GaussianRandomProjection",
    "HashingVectorizer",
    "Normalizer",
    "PatchExtractor",
    "PolynomialCountSketch",
    "PolynomialFeatures",
    "RBFSampler",
    "SkewedChi2Sampler",
    "SparseCoder",
    "SparseRandomProjection",
    "MissingIndicator",
}
# They learn only the list of categories (no statistic of the values): a policy choice, info severity.
CATEGORY_ONLY = {
    "LabelEncoder",
    "LabelBinarizer",
    "MultiLabelBinarizer",
    "OneHotEncoder",
    "OrdinalEncoder",
    "DictVectorizer",
}
TARGET = {"TargetEncoder"}
# A feature selector that looks at no target: it learns a statistic of X like any transformer.
UNSUPERVISED_SELECTORS = {"VarianceThreshold"}


def facts() -> dict[str, object]:
    import imblearn.combine
    import imblearn.over_sampling
    import imblearn.under_sampling
    import sklearn
    import sklearn.model_selection as model_selection
    from sklearn.base import ClassifierMixin, ClusterMixin, RegressorMixin
    from sklearn.feature_selection import SelectorMixin
    from sklearn.model_selection import BaseCrossValidator
    from sklearn.model_selection._split import BaseShuffleSplit
    from sklearn.utils import all_estimators

    kinds: dict[str, list[str]] = {"transform": [], "select": [], "category": [], "target_encoder": []}
    for name, cls in all_estimators(type_filter="transformer"):
        if name in STATELESS or name in ("ColumnTransformer", "FeatureUnion"):
            continue
        if name in CATEGORY_ONLY:
            kinds["category"].append(name)
        elif name in TARGET:
            kinds["target_encoder"].append(name)
        elif issubclass(cls, SelectorMixin) and name not in UNSUPERVISED_SELECTORS:
            kinds["select"].append(name)
        elif issubclass(cls, ClassifierMixin | RegressorMixin | ClusterMixin):
            continue  # models and clusterers that can also transform: fitting one is training a model
        else:
            kinds["transform"].append(name)
    splitters = sorted(
        name
        for name in model_selection.__all__
        if isinstance(getattr(model_selection, name), type)
        and issubclass(getattr(model_selection, name), BaseCrossValidator | BaseShuffleSplit)
        and not name.startswith("Base")
    )
    samplers = sorted(
        {*imblearn.over_sampling.__all__, *imblearn.under_sampling.__all__, *imblearn.combine.__all__}
    )
    return {
        "generated_from": {"scikit-learn": sklearn.__version__, "imbalanced-learn": imblearn.__version__},
        **{kind: sorted(names) for kind, names in kinds.items()},
        "splitters": splitters,
        "resample": samplers,
    }


def render() -> str:
    return json.dumps(facts(), indent=1) + "\n"


if __name__ == "__main__":
    from trainguard.atomic import write_text_atomically

    write_text_atomically(OUT, render())
    print(f"wrote {OUT}")
