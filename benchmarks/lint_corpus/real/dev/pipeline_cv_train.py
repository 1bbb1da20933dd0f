# ruff: noqa
# Data flow rewritten from MyDearGreatTeacher/ML202302 ch10/10-15.py (not copied); X_train/y_train come from earlier cells.
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

pipe = make_pipeline(StandardScaler(), LogisticRegression())
cv_scores = cross_val_score(pipe, X_train, y_train, scoring="accuracy", cv=5)
print(cv_scores, np.mean(cv_scores))
