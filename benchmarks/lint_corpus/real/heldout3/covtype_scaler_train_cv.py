# ruff: noqa
# Data flow rewritten from hajinhee/study ml/m05_kfold_5_fetch_covtype.py (not copied).
import numpy as np
from sklearn.datasets import fetch_covtype
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import SVC

cov = fetch_covtype()
x, y = cov.data, cov.target
x_train, x_test, y_train, y_test = train_test_split(x, y, train_size=0.8, random_state=100)
mm = MinMaxScaler()
mm.fit(x_train)
x_train = mm.transform(x_train)
x_test = mm.transform(x_test)
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=100)
scores = cross_val_score(SVC(), x_train, y_train, cv=folds)
print(scores, round(np.mean(scores), 4))
