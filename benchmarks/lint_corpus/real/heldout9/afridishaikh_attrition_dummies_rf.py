# ruff: noqa
# Data flow rewritten from afridishaikh11/AI-ML-Projects EmpAttritionPred.py (not copied).
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, classification_report

hr = pd.read_csv("datasets/hr_attrition.csv")

# categorical -> numeric
hr = pd.get_dummies(hr, drop_first=True)

X = hr.drop("Attrition_Yes", axis=1)

y = hr["Attrition_Yes"]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

rf = RandomForestClassifier(random_state=42)
rf.fit(X_train, y_train)

y_pred = rf.predict(X_test)

print("Accuracy:", accuracy_score(y_test, y_pred))
print(classification_report(y_test, y_pred))
