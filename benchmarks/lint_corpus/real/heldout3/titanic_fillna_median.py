# ruff: noqa
# Data flow rewritten from Usama0010/Model_trainer train_model.py (not copied).
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

ship = pd.read_csv("titanic.csv")
ship.drop(["PassengerId", "Name", "Ticket", "Cabin"], axis=1, inplace=True)
ship["Age"].fillna(ship["Age"].median(), inplace=True)
ship["Embarked"].fillna(ship["Embarked"].mode()[0], inplace=True)
ship = pd.get_dummies(ship, columns=["Sex", "Embarked"], drop_first=True)
X = ship.drop("Survived", axis=1)
y = ship["Survived"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
lr = LogisticRegression()
lr.fit(X_train, y_train)
print(accuracy_score(y_test, lr.predict(X_test)))
