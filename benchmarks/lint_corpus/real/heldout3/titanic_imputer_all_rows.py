# ruff: noqa
# Data flow rewritten from darsan209/machine-learning 2025-05-29.py (not copied).
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder

people = pd.read_csv("titanic.csv")
X = people[["Pclass", "Sex", "Age", "Fare"]]
y = people["Survived"]
X["Sex"] = LabelEncoder().fit_transform(X["Sex"])
imp = SimpleImputer(strategy="mean")
X[["Age", "Fare"]] = imp.fit_transform(X[["Age", "Fare"]])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
lr = LogisticRegression(max_iter=200)
lr.fit(X_train, y_train)
pred = lr.predict(X_test)
print(accuracy_score(y_test, pred), classification_report(y_test, pred))
