# ruff: noqa
# Data flow rewritten from m1htan/ML-in-BA Final_MLinBA/Dataset/PrepareData.py (not copied).
import pandas as pd
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split

policies = pd.read_csv("Dataset/train.csv")
X = policies.drop("Response", axis=1)
y = policies["Response"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
X_train_os, y_train_os = SMOTE().fit_resample(X_train, y_train)
