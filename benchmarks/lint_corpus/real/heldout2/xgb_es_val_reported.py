# ruff: noqa
# Data flow rewritten from aka8code/DiseasePredictionChatBot ml/test.py (not copied).
from sklearn.datasets import load_iris
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from xgboost import XGBClassifier

iris = load_iris()
X, y = iris.data, iris.target
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=42)
clf = XGBClassifier(eval_metric="mlogloss")
clf.fit(X_train, y_train, eval_set=[(X_val, y_val)], early_stopping_rounds=5, verbose=True)
print("Accuracy:", accuracy_score(y_val, clf.predict(X_val)))
