#!/usr/bin/env python
"""Fit AutoGluon's ``TabularPredictor`` on one training file and predict one test file (for
quality_at_budget.py).

It runs in its own environment (``benchmarks/requirements-autogluon.txt``), not in trainguard's
nor FLAML's: AutoGluon is no trainguard dependency and pins its own scikit-learn, LightGBM,
CatBoost and XGBoost. It only fits and predicts; all scoring happens in quality_at_budget.py
with one function for every tool.

The frames go to AutoGluon as ``pandas.read_csv`` gives them, as an AutoGluon user would pass
them: its own feature generators turn text columns into categories and keep NaN. The fit is
AutoGluon's default (``presets="medium_quality"``: no bagging or stacking, a portfolio of
default configurations and a weighted ensemble) with ``time_limit`` set to the budget and the
same metric trainguard optimises. Models go to a temporary folder that is removed afterwards.

Writes the predictions in ``trainguard predict --proba``'s format (``prediction``, then one
``proba_<class>`` column per class) and a JSON file with what AutoGluon fit and chose.

    python benchmarks/_autogluon_worker.py --train train.csv --test test.csv --target y \\
        --task binary --metric roc_auc --budget 60 --seed 42 --predictions p.csv --info i.json
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from _worker_io import parse_worker_args, plain, write_atomically


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_worker_args("AutoGluon", "roc_auc, f1_macro, root_mean_squared_error", "time_limit", argv)
    import autogluon.tabular
    from autogluon.tabular import TabularPredictor

    train = pd.read_csv(args.train)
    X_test = pd.read_csv(args.test)
    classification = args.task != "regression"
    if classification:
        # Labels as text, as trainguard's proba_<class> columns name them.
        train[args.target] = train[args.target].astype(str)

    # TabularPredictor.fit takes no seed (its models use fixed default seeds); NumPy's global
    # state is the one thing left to the caller.
    np.random.seed(args.seed)
    with tempfile.TemporaryDirectory(prefix="ag-models-") as models:
        predictor = TabularPredictor(label=args.target, problem_type=args.task,
                                     eval_metric=args.metric, path=models, verbosity=0)
        start = time.perf_counter()
        predictor.fit(train, time_limit=args.budget)
        fit_s = time.perf_counter() - start

        out = pd.DataFrame({"prediction": np.asarray(predictor.predict(X_test))})
        if classification:
            proba = predictor.predict_proba(X_test)
            for label in proba.columns:
                out[f"proba_{label}"] = proba[label].to_numpy()
        predict_s = time.perf_counter() - start - fit_s
        write_atomically(args.predictions, lambda p: out.to_csv(p, index=False))

        board = predictor.leaderboard(silent=True)
        columns = [c for c in ("model", "score_val", "fit_time", "pred_time_val") if c in board]
        info = {
            "autogluon_version": autogluon.tabular.__version__,
            "fit_s": fit_s,
            "predict_s": predict_s,
            "best_model": predictor.model_best,
            "models_fit": len(board),
            "leaderboard": plain(board[columns].to_dict(orient="records")),
        }
    write_atomically(args.info, lambda p: p.write_text(json.dumps(info, indent=2), encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
