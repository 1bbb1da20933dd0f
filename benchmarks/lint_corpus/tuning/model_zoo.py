# ruff: noqa
import pandas as pd
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

df = pd.read_csv("wine_quality.csv")
df["good"] = (df["quality"] >= 7).astype(int)
X = df.drop(columns=["quality", "good"])
y = df["good"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

candidates = [
    ("logreg", LogisticRegression(max_iter=2000)),
    ("svc", SVC()),
    ("rf", RandomForestClassifier(random_state=42)),
    ("et", ExtraTreesClassifier(random_state=42)),
]
best_name, best_model, best_score = None, None, -1
for name, est in candidates:
    est.fit(X_train, y_train)
    score = accuracy_score(y_test, est.predict(X_test))  # leak: TG202
    print(name, score)
    if score > best_score:
        best_name, best_model, best_score = name, est, score
print("best:", best_name, best_score)
