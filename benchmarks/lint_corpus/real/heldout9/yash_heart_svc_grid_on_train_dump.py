# ruff: noqa
# Data flow rewritten from Yash-29-10-2003/Heart_Disease_Predictor model.py (not copied).
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC
#%matplotlib inline
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import GridSearchCV
import joblib

heart_df = pd.read_csv("heart.csv")
X = heart_df.drop("target", axis=1)
y = heart_df["target"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

sc = StandardScaler()
X_train_sc = sc.fit_transform(X_train)
X_test_sc = sc.transform(X_test)

params = {
    "C": [0.1, 1, 10],
    "kernel": ["linear", "rbf", "poly"],
    "gamma": ["scale", "auto", 0.1, 1],
}
svc = SVC(random_state=0, C=1)
gs = GridSearchCV(svc, params, cv=5)
gs.fit(X_train_sc, y_train)
best_svc = gs.best_estimator_

joblib.dump(best_svc, "best_svm_model.pkl")
joblib.dump(sc, "scaler.pkl")
