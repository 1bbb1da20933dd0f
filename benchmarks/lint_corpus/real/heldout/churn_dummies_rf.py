# ruff: noqa
# Data flow rewritten from Ken2ie/Predictive-Analytics-for-Customer-Churn-using-AWS main.py (not copied).
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

raw = pd.read_csv("customer_churn_dataset.csv")
encoded = pd.get_dummies(raw)
X = encoded.drop("churn_Yes", axis=1)
y = encoded["churn_Yes"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
rf = RandomForestClassifier()
rf.fit(X_train, y_train)
print("Accuracy:", accuracy_score(y_test, rf.predict(X_test)))
