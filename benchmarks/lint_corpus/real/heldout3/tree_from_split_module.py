# ruff: noqa
# Data flow rewritten from Abhar97/Krishiyog-Summer-Project decision_tree_classifier.py (not copied).
from time import time

from sklearn.metrics import accuracy_score
from sklearn.tree import DecisionTreeClassifier
from split import data_split

X_train, X_test, Y_train, Y_test = data_split()
start = time()
tree = DecisionTreeClassifier(min_samples_split=20)
tree.fit(X_train, Y_train)
print(round(time() - start, 3))
pred = tree.predict(X_test)
print(accuracy_score(Y_test, pred))
