"""skl2onnx converters for what skl2onnx cannot convert itself.

Each module registers one converter with ``skl2onnx.update_registered_converter``:

* :mod:`.imputer`: ``SimpleImputer`` with ``add_indicator=True`` and the string imputer that fills
  missing categories (skl2onnx handles neither as trainguard's pipelines use them);
* :mod:`.hist_gradient_boosting`: ``HistGradientBoosting*`` with native categorical splits, as an
  ``ai.onnx.ml`` ``TreeEnsemble`` (opset 5, whose ``BRANCH_MEMBER`` nodes are categorical splits);
* :mod:`.lightgbm`: LightGBM's trees from ``dump_model()``, native categorical splits as
  ``BRANCH_MEMBER``, compared in double precision as LightGBM compares them;
* :mod:`.random_forest`: ``RandomForest*`` compared in scikit-learn's float32 (skl2onnx rounds the
  thresholds instead), as a ``TreeEnsemble`` too;
* :mod:`.datetime_parts`: trainguard's ``DatetimeFeatures`` (calendar parts) as integer arithmetic
  on the day number, from seconds since the epoch;
* :mod:`.text`: ``TfidfVectorizer`` (free-text columns) with scikit-learn's Unicode tokens and
  ``sublinear_tf`` (skl2onnx's converter tokenises ASCII words and computes ``log(1 + tf)``);
* :mod:`.neural_net`: trainguard's ``NeuralNetClassifier``/``Regressor``, the network exported with
  ``torch.onnx`` and spliced into the graph;
* :mod:`.target_transform`: not a converter but the inverse of a fitted target transform
  (``log1p``, Yeo-Johnson), appended by :func:`trainguard.export.graph.build_onnx` to the output
  of a regressor fitted through ``TransformedTargetRegressor``.

Everything is computed in double precision, so the ONNX model reproduces the skops model to
within 1e-7 or better on real data (see benchmarks/onnx_parity.py), inside the 1e-5 the
export checks.
"""

from __future__ import annotations

from functools import cache


@cache
def register_converters() -> None:
    """Register trainguard's converters with skl2onnx (once per process)."""
    from trainguard.export.converters import (
        datetime_parts,
        hist_gradient_boosting,
        imputer,
        lightgbm,
        neural_net,
        random_forest,
        text,
    )

    datetime_parts.register()
    imputer.register()
    hist_gradient_boosting.register()
    lightgbm.register()
    neural_net.register()
    random_forest.register()
    text.register()
