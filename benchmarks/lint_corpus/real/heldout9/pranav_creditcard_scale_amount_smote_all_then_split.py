# ruff: noqa
# Data flow rewritten from pranav5436/skybug creidt.py (not copied).

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from imblearn.over_sampling import SMOTE
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, precision_score, recall_score, f1_score, confusion_matrix

tx = pd.read_csv("creditcard.csv")


tx["NormalizedAmount"] = StandardScaler().fit_transform(tx["Amount"].values.reshape(-1, 1))
tx = tx.drop(["Time", "Amount"], axis=1)


X = tx.drop("Class", axis=1)
y = tx["Class"]
sm = SMOTE(random_state=42)
X_bal, y_bal = sm.fit_resample(X, y)


X_train, X_test, y_train, y_test = train_test_split(X_bal, y_bal, test_size=0.3, random_state=42)

logit = LogisticRegression(max_iter=1000)
logit.fit(X_train, y_train)

pred = logit.predict(X_test)


print(f"Accuracy: {accuracy_score(y_test, pred):.2f}")
print(f"Precision: {precision_score(y_test, pred):.2f}")
print(f"Recall: {recall_score(y_test, pred):.2f}")
print(f"F1-Score: {f1_score(y_test, pred):.2f}")
print(f"Confusion Matrix:\n{confusion_matrix(y_test, pred)}")
