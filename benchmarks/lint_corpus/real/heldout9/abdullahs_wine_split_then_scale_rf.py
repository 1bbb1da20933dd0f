# ruff: noqa
# Data flow rewritten from Abdullahs-git/YoungDevInterns_Machine_Learning_Tasks Intermediate/Task_3/classification_report.py (not copied).
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import classification_report

wine = load_wine()
X, y = wine.data, wine.target

X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42)

ss = StandardScaler()
X_tr = ss.fit_transform(X_tr)
X_te = ss.transform(X_te)

forest = RandomForestClassifier(random_state=42)
forest.fit(X_tr, y_tr)

y_hat = forest.predict(X_te)

print(classification_report(y_te, y_hat, target_names=wine.target_names))
