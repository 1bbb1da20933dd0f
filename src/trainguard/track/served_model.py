"""The MLflow python model of a trainguard run: ``trainguard predict`` behind ``mlflow models serve``.

MLflow's scikit-learn flavor scores whatever frame MLflow's own schema enforcement lets through,
so a request missing a column gets MLflow's wording and a new category goes unremarked. This model
instead runs the run's own checks (:func:`trainguard.data.validate.check_new_data`) on the raw
request and answers what ``trainguard predict`` writes (id columns and ``prediction``, plus
``proba_<class>`` columns with the ``proba`` parameter). A request that does not fit the schema
raises an ``MlflowException`` with ``INVALID_PARAMETER_VALUE``, which the scoring server answers
with HTTP 400 and trainguard's one-line message (what, where, fix), without a stack trace.

It is logged as *models from code* (:mod:`trainguard.track.mlflow_model_code`), so nothing in the
MLflow model is a pickle: the fitted pipeline is the run's skops file, loaded by trainguard's own
loader with its trust list, and the schema is the run's manifest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow.pyfunc
import pandas as pd
from mlflow.exceptions import MlflowException

from trainguard.errors import TrainguardError
from trainguard.models.persist import load_model
from trainguard.track.run import Run
from trainguard.track.run_folder import read_json

#: Names of the artifacts the model is logged with (``artifacts=`` of ``mlflow.pyfunc.log_model``).
MODEL_ARTIFACT = "model"
MANIFEST_ARTIFACT = "manifest"
#: Where check errors say the problem is.
WHERE = "the request"


class ServedModel(mlflow.pyfunc.PythonModel):
    """Scores raw request rows as ``trainguard predict`` scores a file."""

    def load_context(self, context: Any) -> None:
        model_file = Path(context.artifacts[MODEL_ARTIFACT])
        manifest = read_json(Path(context.artifacts[MANIFEST_ARTIFACT]))
        self.run = Run(model_file.parent, manifest, {}, pd.DataFrame(), model=load_model(model_file))

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        proba = bool((params or {}).get("proba", False))
        try:
            return self.run.predictions_frame(pd.DataFrame(model_input), proba=proba, where=WHERE)
        except TrainguardError as error:
            # ``from None``: the client gets the message, not a chained traceback.
            raise MlflowException.invalid_parameter_value(str(error)) from None
