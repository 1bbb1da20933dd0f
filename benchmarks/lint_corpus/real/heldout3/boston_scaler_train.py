# ruff: noqa
# Data flow rewritten from DavidBert/TP_MAPI3_FULL solutions/boston_scaler.py (not copied); the split is made earlier.
from sklearn import preprocessing

sc = preprocessing.StandardScaler()
X_train = sc.fit_transform(X_train)
X_test = sc.transform(X_test)
y_train = sc.fit_transform(y_train.reshape(-1, 1))
y_test = sc.transform(y_test.reshape(-1, 1))
