# ruff: noqa
# Data flow rewritten from wakandan/kaggle titanic/main_random_forest.py (not copied).
import pandas as pd
from sklearn import ensemble

train = pd.read_csv("train.csv")
train.drop(["Cabin"], axis=1, inplace=True)
train = train.dropna()
y = train["Survived"]
train.drop(["Survived", "PassengerId", "Name", "Ticket"], axis=1, inplace=True)
X = pd.get_dummies(train)

dtc = ensemble.RandomForestClassifier()
dtc.fit(X, y)

test = pd.read_csv("test.csv")
ids = test[["PassengerId"]]
test.drop(["PassengerId", "Name", "Ticket", "Cabin"], axis=1, inplace=True)
test.fillna(2, inplace=True)
test = pd.get_dummies(test)
predictions = dtc.predict(test)
results = ids.assign(Survived=predictions)
results.to_csv("titanic_result_random_forest.csv", index=False)
