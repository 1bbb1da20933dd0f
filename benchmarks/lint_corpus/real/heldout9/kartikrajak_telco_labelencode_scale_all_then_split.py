# ruff: noqa
# Data flow rewritten from Kartikrajak25/Project model.py (not copied).
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix


telco = pd.read_csv("WA_Telco_Churn.csv")

telco.drop("customerID", axis=1, inplace=True)

telco["TotalCharges"] = pd.to_numeric(telco["TotalCharges"], errors="coerce")

telco.dropna(inplace=True)

obj_cols = telco.select_dtypes(include="object").columns

enc = LabelEncoder()
for c in obj_cols:
    telco[c] = enc.fit_transform(telco[c])

features = telco.drop("Churn", axis=1)
label = telco["Churn"]

sc = StandardScaler()
features_std = sc.fit_transform(features)

Xtr, Xte, ytr, yte = train_test_split(features_std, label, test_size=0.2, random_state=42)

clf = LogisticRegression(max_iter=1000)
clf.fit(Xtr, ytr)

pred = clf.predict(Xte)

print("Accuracy:", accuracy_score(yte, pred))
print("Confusion Matrix:\n", confusion_matrix(yte, pred))
print("Classification Report:\n", classification_report(yte, pred))
