# ruff: noqa
# Data flow rewritten from philmcc/GhostWriting xgboost_early_stopping.py (not copied).
from numpy import loadtxt
from sklearn.cross_validation import train_test_split
from sklearn.metrics import accuracy_score
from xgboost import XGBClassifier

rows = loadtxt("datasets/training_dataset_04.csv", delimiter="|")
X, Y = rows[:, 0:46], rows[:, 46]
X_train, X_test, y_train, y_test = train_test_split(X, Y, test_size=0.33, random_state=7)
clf = XGBClassifier()
watch = [(X_test, y_test)]
clf.fit(X_train, y_train, early_stopping_rounds=10, eval_metric="logloss", eval_set=watch, verbose=True)
pred = [round(v) for v in clf.predict(X_test)]
print(accuracy_score(y_test, pred))
