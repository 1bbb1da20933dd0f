# ruff: noqa
# Data flow rewritten from kriti-1-9/Cyber-Shield-Hackathon- first.py (not copied).
import pandas as pd
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

cards = pd.read_csv("data/creditcard.csv")
X = cards.drop("Class", axis=1)
y = cards["Class"]
std = StandardScaler()
X[["Time", "Amount"]] = std.fit_transform(X[["Time", "Amount"]])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
X_bal, y_bal = SMOTE(random_state=42).fit_resample(X_train, y_train)
print(y_bal.value_counts())
