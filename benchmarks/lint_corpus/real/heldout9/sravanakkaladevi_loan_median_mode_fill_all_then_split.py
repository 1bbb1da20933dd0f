# ruff: noqa
# Data flow rewritten from sravanakkaladevi/Loan_Prediction_Project loan_prediction.py (not copied).
import pandas as pd
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

loans = pd.read_csv("loan_data.csv")

# numeric gaps filled with the column median
numeric = loans.select_dtypes(include=["float64", "int64"]).columns
loans[numeric] = loans[numeric].fillna(loans[numeric].median())

# text gaps filled with the most frequent value
text = loans.select_dtypes(include=["object"]).columns
for c in text:
    loans[c] = loans[c].fillna(loans[c].mode()[0])

enc = LabelEncoder()
for c in text:
    loans[c] = enc.fit_transform(loans[c])

X = loans.drop("Loan_Status", axis=1)
y = loans["Loan_Status"]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

scaler = StandardScaler()
X_train_s = scaler.fit_transform(X_train)
X_test_s = scaler.transform(X_test)

clf = LogisticRegression(max_iter=2000)
clf.fit(X_train_s, y_train)

pred = clf.predict(X_test_s)

acc = accuracy_score(y_test, pred)
print("Accuracy:", round(acc * 100, 2), "%")
