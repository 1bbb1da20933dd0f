# ruff: noqa
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

df = pd.read_csv("heart.csv")
y = df["target"]
X = df.drop(columns=["target"])
X = X.apply(lambda col: (col - col.mean()) / col.std())  # leak: TG102
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=4)
print(LogisticRegression().fit(X_train, y_train).score(X_test, y_test))
