# ruff: noqa
# Data flow rewritten from BombaGR/ZIwM read_data/reqursive_feature_elimination.py (not copied).
from pandas import read_csv
from sklearn.feature_selection import RFE
from sklearn.linear_model import LogisticRegression

cols = [str(i) for i in range(1, 21)] + ["class"]
frame = read_csv("bialaczka.csv", names=cols)
values = frame.values
X = values[1:, 0:20]
Y = values[1:, 20]
rfe = RFE(LogisticRegression(), n_features_to_select=3)
fitted = rfe.fit(X, Y)
print(fitted.n_features_, fitted.support_, fitted.ranking_)
