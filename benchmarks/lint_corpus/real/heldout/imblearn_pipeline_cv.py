# ruff: noqa
# Data flow rewritten from izavits/classifier-demo src/randomOverUnderSampling.py (not copied).
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from numpy import mean
from sklearn.datasets import make_classification
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

X, y = make_classification(
    n_samples=10000,
    n_features=2,
    n_redundant=0,
    n_clusters_per_class=1,
    weights=[0.99],
    flip_y=0,
    random_state=1,
)
tree = DecisionTreeClassifier()
steps = [
    ("o", RandomOverSampler(sampling_strategy=0.1)),
    ("u", RandomUnderSampler(sampling_strategy=0.5)),
    ("m", tree),
]
pipe = Pipeline(steps=steps)
cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=3, random_state=1)
print(mean(cross_val_score(pipe, X, y, scoring="roc_auc", cv=cv, n_jobs=-1)))
