# ruff: noqa
# Data flow rewritten from benadaba/DataContents univariate_feature_selection.py (not copied).
from sklearn.datasets import load_iris
from sklearn.feature_selection import SelectKBest, chi2

data, labels = load_iris(return_X_y=True)
print(data.shape)
reduced = SelectKBest(chi2, k=2).fit_transform(data, labels)
print(reduced.shape)
