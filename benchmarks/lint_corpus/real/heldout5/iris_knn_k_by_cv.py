# ruff: noqa
# Data flow rewritten from bunshue/vcs .../ch16/ch16-2-3.py (not copied).
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn import datasets, neighbors
from sklearn.model_selection import cross_val_score

iris = datasets.load_iris()
X = pd.DataFrame(iris.data, columns=["sl", "sw", "pl", "pw"])
y = pd.DataFrame(iris.target, columns=["target"])["target"]
ks = np.arange(1, round(0.2 * len(X) + 1))
means = []
for k in ks:
    knn = neighbors.KNeighborsClassifier(n_neighbors=k)
    means.append(cross_val_score(knn, X, y, scoring="accuracy", cv=10).mean())
plt.plot(ks, means)
plt.show()
