# ruff: noqa
# Data flow rewritten from aorursy/KT_dataset_py biswajee_titanic-dataset.py (not copied).
# Kaggle kernel: fit on the whole train file, predict the unlabeled test file for a submission.
import numpy as np  # linear algebra
import pandas as pd  # data processing, CSV file I/O (e.g. pd.read_csv)

import os
print(os.listdir("../input"))

passengers = pd.read_csv("../input/train.csv")

passengers.head()
num_cols = ["PassengerId", "Pclass", "Age", "SibSp", "Parch", "Fare"]

passengers[num_cols].head()
passengers["Age"].isnull().sum()
# 177 missing ages, replaced by the median
passengers["Age"] = passengers["Age"].fillna(passengers["Age"]).median()
passengers["Age"].isnull().sum()
survived = passengers["Survived"]
from sklearn.ensemble import RandomForestClassifier

rf = RandomForestClassifier(n_estimators=100)
rf.fit(passengers[num_cols], survived)
holdout = pd.read_csv("../input/test.csv")
holdout[num_cols].head()
holdout["Age"] = holdout["Age"].fillna(holdout["Age"]).median()
holdout["Age"].isnull().sum()
holdout = holdout[num_cols].fillna(holdout.mean()).copy()
pred = rf.predict(holdout[num_cols])
pred
sub = pd.DataFrame({"PassengerId": holdout["PassengerId"], "Survived": pred})
sub.to_csv("Submission.csv", index=False)
sub.head()
