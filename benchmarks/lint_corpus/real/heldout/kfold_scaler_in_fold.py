# ruff: noqa
# Data flow rewritten from AdamSobieraj/PYTHON-UnsupervisedLearning Crossvalidation.py (not copied); X and y come from earlier code.
import numpy as np
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

sc = StandardScaler()
kf = KFold(n_splits=5, shuffle=True, random_state=1)
fold_models, fold_scores = [], []
for fold, (tr, te) in enumerate(kf.split(X)):
    X_tr, X_te = X[tr], X[te]
    y_tr, y_te = y[tr], y[te]
    X_tr = sc.fit_transform(X_tr)
    X_te = sc.transform(X_te)
    sgd = SGDClassifier(random_state=1).fit(X_tr, y_tr)
    fold_models.append(sgd)
    fold_scores.append(sgd.score(X_te, y_te))
print(fold_scores, np.array(fold_scores).mean())
