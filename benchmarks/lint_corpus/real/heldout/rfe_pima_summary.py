# ruff: noqa
# Data flow rewritten from PacktPublishing/Mastering-Machine-Learning-for-Penetration-Testing Chapter10/RecursiveFeatureElimination.py (not copied).
from pandas import read_csv
from sklearn.feature_selection import RFE
from sklearn.linear_model import LogisticRegression

names = ["preg", "plas", "pres", "skin", "test", "mass", "pedi", "age", "class"]
frame = read_csv("pima-indians-diabetes.data.csv", names=names)
values = frame.values
X = values[:, 0:8]
Y = values[:, 8]
fitted = RFE(LogisticRegression(), n_features_to_select=3).fit(X, Y)
print(fitted.n_features_, fitted.support_, fitted.ranking_)
