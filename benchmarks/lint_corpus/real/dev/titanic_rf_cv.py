# ruff: noqa
# Data flow rewritten from rjegankumar/titanic_survival_prediction random_forest.py (not copied).
import pandas as pd
from sklearn import model_selection
from sklearn.ensemble import RandomForestClassifier

passengers = pd.read_csv("train.csv")
passengers["Age"] = passengers["Age"].fillna(passengers["Age"].median())
passengers.loc[passengers["Sex"] == "male", "Sex"] = 0
passengers.loc[passengers["Sex"] == "female", "Sex"] = 1
passengers["Embarked"] = passengers["Embarked"].fillna("S")
for code, port in enumerate(["S", "C", "Q"]):
    passengers.loc[passengers["Embarked"] == port, "Embarked"] = code
cols = ["Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked"]
forest = RandomForestClassifier(random_state=1, n_estimators=50, min_samples_split=4, min_samples_leaf=2)
folds = model_selection.KFold(n_splits=3)
result = model_selection.cross_val_score(forest, passengers[cols], passengers["Survived"], cv=folds)
print(result.mean())
