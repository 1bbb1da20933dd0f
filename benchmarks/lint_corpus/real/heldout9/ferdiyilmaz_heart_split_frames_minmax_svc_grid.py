# ruff: noqa
# Data flow rewritten from ferdiYilmaz41/ML-parameters-optimization Model_svm.py (not copied).
import pandas as pd
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import SVC
from sklearn.model_selection import GridSearchCV

heart = pd.read_csv("heart.csv")

tr, te = train_test_split(heart, test_size=0.2, random_state=122)

# feature matrix and target vector of each part
Xtr = tr.drop(columns=["target"], axis=1)
ytr = tr["target"]

Xte = te.drop(columns=["target"], axis=1)
yte = te["target"]


mm = MinMaxScaler()
Xtr_s = mm.fit_transform(Xtr)
Xte_s = mm.transform(Xte)

model = SVC(random_state=122)

grid = {
    "C": [0.1, 1, 10, 100],
    "kernel": ["linear", "rbf", "poly"],
    "gamma": ["scale", "auto", 0.1, 1],
    "degree": [2, 3, 4],
}

search = GridSearchCV(model, grid, cv=5, scoring="accuracy")

search.fit(Xtr_s, ytr)

print("Best Parameters: ", search.best_params_)
print("Best Accuracy: ", search.best_score_)

best = search.best_estimator_
