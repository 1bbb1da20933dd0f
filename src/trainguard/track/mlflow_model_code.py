"""The file MLflow runs to load a logged trainguard model ("models from code", no pickle).

``mlflow.pyfunc.log_model(python_model=<this file>)`` copies it into the MLflow model; loading the
model executes it, and :func:`mlflow.models.set_model` hands MLflow the model object. Import it
only for that: importing it registers a model with MLflow.
"""

from mlflow.models import set_model

from trainguard.track.served_model import ServedModel

set_model(ServedModel())
