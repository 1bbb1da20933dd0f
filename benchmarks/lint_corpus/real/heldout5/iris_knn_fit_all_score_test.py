# ruff: noqa
# Data flow rewritten from bunshue/vcs .../ch16/ch16-2-2b.py (not copied).
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn import datasets, neighbors
from sklearn.model_selection import train_test_split

iris = datasets.load_iris()
X = pd.DataFrame(iris.data, columns=["sl", "sw", "pl", "pw"])
y = pd.DataFrame(iris.target, columns=["target"])["target"]
XTrain, XTest, yTrain, yTest = train_test_split(X, y, test_size=0.33, random_state=1)
ks = np.arange(1, round(0.2 * len(XTrain) + 1))
accs = []
for k in ks:
    knn = neighbors.KNeighborsClassifier(n_neighbors=k)
    knn.fit(X, y)
    accs.append(knn.score(XTest, yTest))
plt.plot(ks, accs)
plt.show()
