# ruff: noqa
# Data flow rewritten from nithyadurai87/machine_learning_examples_incomplete 09_Fitting_SGD.py (not copied).
import numpy as np
from sklearn.cross_validation import cross_val_score, train_test_split
from sklearn.datasets import load_boston
from sklearn.linear_model import SGDRegressor
from sklearn.preprocessing import StandardScaler

data = load_boston()
X_train, X_test, y_train, y_test = train_test_split(data.data, data.target)
X_scaler = StandardScaler()
y_scaler = StandardScaler()
X_train = X_scaler.fit_transform(X_train)
y_train = y_scaler.fit_transform(y_train)
X_test = X_scaler.transform(X_test)
y_test = y_scaler.transform(y_test)
regressor = SGDRegressor(loss="squared_loss")
scores = cross_val_score(regressor, X_train, y_train, cv=5)
print(scores)
print(np.mean(scores))
regressor.fit_transform(X_train, y_train)
print(regressor.score(X_test, y_test))
