# ruff: noqa
import pandas as pd
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.tree import DecisionTreeClassifier

df = pd.read_csv("glass.csv")
X, y = df.drop(columns=["Type"]), df["Type"]
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, test_size=0.25, random_state=5)
depths = {d: cross_val_score(DecisionTreeClassifier(max_depth=d, random_state=5), X_train, y_train, cv=5).mean()
          for d in range(2, 12)}
best = max(depths, key=depths.get)
tree = DecisionTreeClassifier(max_depth=best, random_state=5).fit(X_train, y_train)
pred = tree.predict(X_test)
print(confusion_matrix(y_test, pred))
print(classification_report(y_test, pred))
