# ruff: noqa
# Data flow rewritten from zhangcong1994/MachineLearning Scikit_Learn/kNN.py (not copied).
import matplotlib.pyplot as plt
from sklearn.datasets import load_iris
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

iris = load_iris()
X, y = iris.data, iris.target
errors = []
for k in range(1, 31):
    scores = cross_val_score(KNeighborsClassifier(n_neighbors=k), X, y, cv=6, scoring="accuracy")
    errors.append(1 - scores.mean())
plt.plot(range(1, 31), errors)
plt.show()
