# ruff: noqa
# Data flow rewritten from rab20/Data-Science-Algorithms DimensionalityReduction.py (not copied).
from numpy import mean, std
from sklearn.datasets import make_classification
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

X, y = make_classification(n_samples=1000, n_features=20, n_informative=10, n_redundant=10, random_state=7)
model = LogisticRegression()
cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=3, random_state=1)
n_scores = cross_val_score(model, X, y, scoring="accuracy", cv=cv, n_jobs=-1)
print("Baseline Accuracy: %.3f (%.3f)" % (mean(n_scores), std(n_scores)))

steps = [("pca", PCA(n_components=18)), ("m", LogisticRegression())]
model = Pipeline(steps=steps)
cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=3, random_state=1)
n_scores = cross_val_score(model, X, y, scoring="accuracy", cv=cv, n_jobs=-1)
print("PCA Accuracy: %.3f (%.3f)" % (mean(n_scores), std(n_scores)))
