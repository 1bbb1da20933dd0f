import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

from trainguard.data.schema import coerce_features, infer_schema
from trainguard.errors import ConfigError
from trainguard.evaluate.metrics import get_metric
from trainguard.models import ModelContext, resolve_candidates
from trainguard.models.base import Candidate
from trainguard.selection.select import search_candidates
from trainguard.selection.tuner import SearchData, SearchSettings


class Broken(Candidate):
    name = "broken"
    description = "always fails"

    def build(self) -> Pipeline:
        raise ValueError("cannot build")


def compare_candidates(candidates, metric, X_train, y_train, X_val, y_val):
    """Each candidate with its defaults, fit on the training rows, scored on the validation rows."""
    classes = None if metric.is_regression else np.unique(np.concatenate([y_train, y_val]))
    data = SearchData(X_train, y_train, X_val, y_val, folds=None, classes=classes)
    return search_candidates(candidates, metric, data, SearchSettings(n_trials=1, pruning=False))


def _data(task):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.choice(["u", "v"], 200)})
    frame["y"] = frame.a * 3 + rng.normal(size=200) if task == "regression" else (frame.a > 0).astype(int)
    schema = infer_schema(frame, target="y")
    return schema, coerce_features(frame, schema), frame.y


@pytest.mark.parametrize(("task", "metric"), [("binary", "roc_auc"), ("regression", "rmse")])
def test_leaderboard_is_ranked_best_first_in_the_metric_direction(task, metric):
    schema, X, y = _data(task)
    context = ModelContext(task=task, schema=schema, seed=0)
    candidates = [cls(context) for cls in resolve_candidates(["linear", "random_forest"])] + [Broken(context)]
    board = compare_candidates(candidates, get_metric(metric, task), X[:140], y[:140], X[140:], y[140:])
    scores = [r.val_score for r in board.results if r.error is None]
    assert scores == sorted(scores, reverse=metric != "rmse")
    assert board.results[-1].name == "broken" and "cannot build" in board.results[-1].error
    assert board.best().name in {"linear", "random_forest"}
    assert not board.best().is_baseline
    frame = board.to_frame()
    assert frame.selected.sum() == 1 and list(frame["rank"]) == [1, 2, 3, 4]


def test_unknown_model_name_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown model"):
        resolve_candidates(["tabnet"])


def test_the_baseline_always_runs_first():
    names = [c.name for c in resolve_candidates(["gradient_boosting"])]
    assert names == ["baseline", "gradient_boosting"]


def test_with_cv_0_the_best_trial_fit_is_the_final_model_not_fit_again():
    from trainguard.models.candidates import Linear

    fits = []

    class CountedLinear(Linear):
        def fit(self, X, y, X_val=None, y_val=None, **kwargs):
            fits.append(self.hyperparams)
            return super().fit(X, y, X_val, y_val, **kwargs)

    schema, X, y = _data("binary")
    candidate = CountedLinear(ModelContext(task="binary", schema=schema, seed=0))
    data = SearchData(X[:140], y[:140], X[140:], y[140:], folds=None, classes=np.array([0, 1]))
    board = search_candidates([candidate], get_metric("roc_auc", "binary"), data,
                              SearchSettings(n_trials=3, pruning=False))
    (result,) = board.results
    assert len(fits) == 3 and result.n_trials == 3  # three trials, no fourth fit for the final model
    # The kept model is the chosen configuration fitted on the training rows, as a fresh fit is.
    fresh = Linear(candidate.context).with_params(result.candidate.hyperparams).fit(X[:140], y[:140])
    assert np.array_equal(result.pipeline.predict_proba(X[140:]), fresh.predict_proba(X[140:]))
    assert board.record.families["linear"].trials[0]["params"] == {"C": 1.0}
