# ruff: noqa
# Data flow rewritten from chiangwyz/MachineLearning scikit-learn/评估方法/021交叉验证.py (not copied).
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import KFold, cross_val_score, train_test_split
from sklearn.svm import SVC

cancer = load_breast_cancer()
X, y = cancer.data, cancer.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)
svc = SVC().fit(X_train, y_train)
print(accuracy_score(y_train, svc.predict(X_train)), accuracy_score(y_test, svc.predict(X_test)))
rfc = RandomForestClassifier().fit(X_train, y_train)
print(accuracy_score(y_train, rfc.predict(X_train)), accuracy_score(y_test, rfc.predict(X_test)))
print(cross_val_score(RandomForestClassifier(), X, y, cv=KFold(5, shuffle=True), scoring="accuracy"))
