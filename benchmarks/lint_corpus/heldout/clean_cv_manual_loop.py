# ruff: noqa
import numpy as np
from imblearn.over_sampling import SMOTE
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score
from sklearn.model_selection import StratifiedKFold

X, y = make_classification(n_samples=2000, weights=[0.95], random_state=3)
recalls = []
for train_index, test_index in StratifiedKFold(5, shuffle=True, random_state=3).split(X, y):
    X_res, y_res = SMOTE(random_state=3).fit_resample(X[train_index], y[train_index])
    clf = LogisticRegression(max_iter=1000).fit(X_res, y_res)
    recalls.append(recall_score(y[test_index], clf.predict(X[test_index])))
print(np.mean(recalls))
