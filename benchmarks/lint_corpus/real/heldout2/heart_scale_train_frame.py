# ruff: noqa
# Data flow rewritten from prer1t/heart-disease-prediction preprocessing.py (not copied); train is the whole training file, read earlier.
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

train = pd.get_dummies(train, columns=["sex", "cp", "fbs", "restecg", "exang", "slope", "ca", "thal"])
sc = StandardScaler()
numeric = ["age", "trestbps", "chol", "thalach", "oldpeak"]
train[numeric] = sc.fit_transform(train[numeric])
y = train["target"]
X = train.drop(["target"], axis=1)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.35)
