# ruff: noqa
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("mushrooms.csv")
X = pd.get_dummies(df.drop(columns=["class"]))
y = (df["class"] == "p").astype(int)
X_dev, X_test, y_dev, y_test = train_test_split(X, y, test_size=0.2, random_state=21)
X_train, X_valid, y_train, y_valid = train_test_split(X_dev, y_dev, test_size=0.25, random_state=21)

best_depth, best_f1 = None, 0.0
for depth in [2, 4, 8, 16, None]:
    rf = RandomForestClassifier(max_depth=depth, random_state=21).fit(X_train, y_train)
    f1 = f1_score(y_valid, rf.predict(X_valid))
    if f1 > best_f1:
        best_depth, best_f1 = depth, f1
final = RandomForestClassifier(max_depth=best_depth, random_state=21).fit(X_dev, y_dev)
print("test F1", f1_score(y_test, final.predict(X_test)))
