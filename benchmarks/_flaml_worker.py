#!/usr/bin/env python
"""Fit FLAML's ``AutoML`` on one training file and predict one test file (for quality_at_budget.py).

It runs in the benchmark's own environment (``benchmarks/requirements-flaml.txt``), not in
trainguard's: FLAML is no trainguard dependency and pins an xgboost below 3. It only fits and
predicts; all scoring happens in quality_at_budget.py with one function for both tools.

The frames go to FLAML as ``pandas.read_csv`` gives them, as a FLAML user would pass them: its
own ``DataTransformer`` turns text columns into categories (missing values become a
``__NAN__`` category) and leaves numeric NaN to the tree learners.

Writes the predictions in ``trainguard predict --proba``'s format (``prediction``, then one
``proba_<class>`` column per class) and a JSON file with what FLAML chose and when.

    python benchmarks/_flaml_worker.py --train train.csv --test test.csv --target y \\
        --task binary --metric roc_auc --budget 60 --seed 42 --predictions p.csv --info i.json
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence

import pandas as pd
from _worker_io import parse_worker_args, plain, write_atomically

# trainguard's task names to FLAML's.
FLAML_TASKS = {"binary": "classification", "multiclass": "classification", "regression": "regression"}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_worker_args("FLAML", "roc_auc, macro_f1, rmse", "time_budget", argv)
    import flaml
    from flaml import AutoML

    train = pd.read_csv(args.train)
    X_test = pd.read_csv(args.test)
    y = train.pop(args.target)
    classification = args.task != "regression"
    if classification:
        # Labels as text, as trainguard's proba_<class> columns name them.
        y = y.astype(str)

    automl = AutoML()
    start = time.perf_counter()
    automl.fit(train, y, task=FLAML_TASKS[args.task], metric=args.metric,
               time_budget=args.budget, seed=args.seed, verbose=0)
    fit_s = time.perf_counter() - start

    out = pd.DataFrame({"prediction": automl.predict(X_test)})
    if classification:
        proba = automl.predict_proba(X_test)
        for i, label in enumerate(automl.classes_):
            out[f"proba_{label}"] = proba[:, i]
    write_atomically(args.predictions, lambda p: out.to_csv(p, index=False))

    info = {
        "flaml_version": flaml.__version__,
        "fit_s": fit_s,
        "best_estimator": automl.best_estimator,
        "best_config": plain(automl.best_config),
        "best_loss": plain(automl.best_loss),
        "time_to_find_best_model_s": plain(automl.time_to_find_best_model),
        "best_config_train_time_s": plain(automl.best_config_train_time),
        # Iterations per learner: private, but FLAML has no public count of the trials it ran.
        "trials_per_learner": plain(dict(getattr(automl, "_iter_per_learner", {}))),
        "improvements": len(automl.config_history),
        "best_loss_per_estimator": plain(automl.best_loss_per_estimator),
        "eval_method": getattr(getattr(automl, "_state", None), "eval_method", None),
    }
    write_atomically(args.info, lambda p: p.write_text(json.dumps(info, indent=2), encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
