# ruff: noqa
# Data flow rewritten from FreddieMercy/Deep-Learning-A-Z-Hands-On-Artificial-Neural-Networks Practice/main.py (not copied).
from sklearn.datasets import load_iris
from sklearn.feature_selection import SelectKBest, chi2

X, Y = load_iris(return_X_y=True)
for k in (1, 2, 3, 4):
    print(SelectKBest(chi2, k=k).fit_transform(X, Y))
