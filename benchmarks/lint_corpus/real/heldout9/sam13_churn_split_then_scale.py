# ruff: noqa
# Data flow rewritten from sam13yjxgj/Machine-Learning-Classifier C.py (not copied).
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, classification_report

# Load the dataset
customers = pd.read_csv("churn_data.csv")

# drop incomplete rows
customers.dropna(inplace=True)

X = customers.drop(columns=["Churn"])
y = customers["Churn"]

X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42)

scaler = StandardScaler()
X_tr = scaler.fit_transform(X_tr)
X_te = scaler.transform(X_te)

logreg = LogisticRegression()
logreg.fit(X_tr, y_tr)

y_hat = logreg.predict(X_te)

acc = accuracy_score(y_te, y_hat)
print(f"Accuracy: {acc}")
print(classification_report(y_te, y_hat))
