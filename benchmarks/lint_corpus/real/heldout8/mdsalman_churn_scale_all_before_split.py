# ruff: noqa
# Data flow rewritten from mdsalman18/Supervise-ML-Project Models/model2.py (not copied).
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler

df = pd.read_csv("Telco-Customer-Churn.csv")


def Encode(Features):
    lebal_encoding = {}
    for col in Features:
        le = LabelEncoder()
        df[col] = le.fit_transform(df[col])
        lebal_encoding[col] = le
    return lebal_encoding


df = pd.read_csv("Telco-Customer-Churn.csv")
categories = df.drop(["customerID", "SeniorCitizen", "tenure", "MonthlyCharges"], axis=1)
Encode(categories)
X = df.drop(["Churn", "customerID"], axis=1)
y = df["Churn"]
scaler = StandardScaler()
X = scaler.fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
model = RandomForestClassifier()
model.fit(X_train, y_train)
y_pred = model.predict(X_test)
print(accuracy_score(y_test, y_pred))
print(confusion_matrix(y_test, y_pred))
