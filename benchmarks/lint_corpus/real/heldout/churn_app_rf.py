# ruff: noqa
# Data flow rewritten from polashds/codon-analytics-streamlit-portfolio P35-churn-prediction-app/app.py (not copied).
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

customers = pd.read_csv("churn.csv")
X = customers[["age", "account_age", "spending"]]
y = customers["churn"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
rf = RandomForestClassifier()
rf.fit(X_train, y_train)
print(rf.predict(X_test)[:5])
