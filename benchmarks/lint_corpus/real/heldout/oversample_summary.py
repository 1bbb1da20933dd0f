# ruff: noqa
# Data flow rewritten from jggrimesdc-zz/MachineLearningExercises .../08/01_random_oversampling.py (not copied).
from collections import Counter

from imblearn.over_sampling import RandomOverSampler
from sklearn.datasets import make_classification

X, y = make_classification(n_samples=10000, weights=[0.99], flip_y=0)
print(Counter(y))
ros = RandomOverSampler(sampling_strategy="minority")
X_over, y_over = ros.fit_resample(X, y)
print(Counter(y_over))
