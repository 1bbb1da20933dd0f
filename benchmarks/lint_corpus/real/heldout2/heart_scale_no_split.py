# ruff: noqa
# Data flow rewritten from jituspi2204/minor-project model_files/ml_model.py (not copied).
import pandas as pd
from sklearn.preprocessing import StandardScaler

heart = pd.read_csv("heart.csv")
categorical, continuous = [], []
for column in heart.columns:
    (categorical if len(heart[column].unique()) <= 10 else continuous).append(column)
categorical.remove("target")
encoded = pd.get_dummies(heart, columns=categorical)
sc = StandardScaler()
numeric = ["age", "trestbps", "chol", "thalach", "oldpeak"]
encoded[numeric] = sc.fit_transform(encoded[numeric])
