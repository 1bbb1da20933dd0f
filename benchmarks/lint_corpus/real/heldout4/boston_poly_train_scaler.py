# ruff: noqa
# Data flow rewritten from HuangStomach/machine-learning .../4.3/feature_boston.py (not copied).
from sklearn.datasets import load_boston
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, PolynomialFeatures

boston = load_boston()
X_train, X_test, y_train, y_test = train_test_split(boston.data, boston.target, random_state=0)
mm = MinMaxScaler()
X_train_s = mm.fit_transform(X_train)
X_test_s = mm.transform(X_test)
poly = PolynomialFeatures(degree=2).fit(X_train_s)
X_train_p, X_test_p = poly.transform(X_train_s), poly.transform(X_test_s)
print(Ridge().fit(X_train_s, y_train).score(X_train_s, y_train))
print(Ridge().fit(X_train_p, y_train).score(X_test_p, y_test))
