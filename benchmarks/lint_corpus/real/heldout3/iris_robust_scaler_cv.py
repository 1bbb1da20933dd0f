# ruff: noqa
# Data flow rewritten from lilylemonoh/bitcamp_ai ml_study/ml07_kfold_iris.py (not copied).
import numpy as np
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.preprocessing import RobustScaler

iris = load_iris()
x, y = iris.data, iris.target
rs = RobustScaler()
x = rs.fit_transform(x)
folds = StratifiedKFold(n_splits=7, shuffle=True, random_state=1234)
forest = RandomForestClassifier()
score = cross_val_score(forest, x, y, cv=folds)
print(score, round(np.mean(score), 4))
