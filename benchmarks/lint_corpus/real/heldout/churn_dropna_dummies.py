# ruff: noqa
# Data flow rewritten from helpesh/ML_projects ex_0_12.py (not copied).
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

table = pd.read_csv("customer_churn.csv")
table = table.drop(columns=["CustomerID"])
table = table.dropna()
table = pd.get_dummies(table, drop_first=True)
X = table.drop("Churn", axis=1)
y = table["Churn"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
rf = RandomForestClassifier(n_estimators=200, random_state=42)
rf.fit(X_train, y_train)
print(f"Test accuracy: {accuracy_score(y_test, rf.predict(X_test))}")
