# ruff: noqa
# Data flow rewritten from aartidholi2122/codesoft_tasks task1.py (not copied).
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder

df = pd.read_csv("titanic.csv")
df = df[["Survived", "Pclass", "Sex", "Age", "Fare"]]
df["Age"].fillna(df["Age"].mean(), inplace=True)

le = LabelEncoder()
df["Sex"] = le.fit_transform(df["Sex"])

X = df.drop("Survived", axis=1)
y = df["Survived"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

model = LogisticRegression()
model.fit(X_train, y_train)
pred = model.predict(X_test)
print("Accuracy:", accuracy_score(y_test, pred))
