# ruff: noqa
# Data flow rewritten from cirojdiaz/MobileHealth TJ_Summer/ex.py (not copied).
from collections import Counter

from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from numpy import mean
from sklearn.datasets import make_classification
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

X, y = make_classification(n_samples=10000, weights=[0.99], flip_y=0)
X, y = RandomOverSampler(sampling_strategy=0.1).fit_resample(X, y)
X, y = RandomUnderSampler(sampling_strategy=0.5).fit_resample(X, y)
print(Counter(y))

X, y = make_classification(n_samples=10000, weights=[0.99], flip_y=0)
pipe = Pipeline(
    steps=[
        ("over", RandomOverSampler()),
        ("under", RandomUnderSampler()),
        ("model", DecisionTreeClassifier()),
    ]
)
cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=3, random_state=1)
print(mean(cross_val_score(pipe, X, y, scoring="roc_auc", cv=cv, n_jobs=-1)))
