# ruff: noqa
# Data flow rewritten from rithvik02/Mental-Health-Diagnosis Linear_reg.py (not copied); X and y come from earlier code.
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
sc = StandardScaler()
X_train_s = sc.fit_transform(X_train)
clf = LogisticRegression()
clf.fit(X_train_s, y_train)
X_test_s = sc.transform(X_test)
print("Accuracy:", accuracy_score(y_test, clf.predict(X_test_s)))
