# ruff: noqa
# Data flow rewritten from ubiratantavares/classificacao_desequilibrada tutorial01/script06.py (not copied).
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from numpy import mean
from sklearn.datasets import make_classification
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

X, y = make_classification(n_samples=10_000, n_features=2, n_redundant=0, n_clusters_per_class=1, weights=[0.99], flip_y=0, random_state=1)
over = SMOTE(sampling_strategy=0.1)
under = RandomUnderSampler(sampling_strategy=0.9)
model = DecisionTreeClassifier()
steps = [("over", over), ("under", under), ("model", model)]
pipeline = Pipeline(steps=steps)
cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=30, random_state=1)
scores = cross_val_score(pipeline, X, y, scoring="roc_auc", cv=cv, n_jobs=-1)
print("Mean ROC AUC: {:.2f}%".format(mean(scores) * 100))
