# ruff: noqa
# Data flow rewritten from hjkim666/ml_basic 5day/03_evaluation/cross_validation_group.py (not copied).
from sklearn.datasets import make_blobs
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score

logreg = LogisticRegression()
X, y = make_blobs(n_samples=12, random_state=0)
groups = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3]
scores = cross_val_score(logreg, X, y, groups, cv=GroupKFold(n_splits=3))
print("accuracy:{}".format(scores))
