# ruff: noqa
# Data flow rewritten from aman15012/LeafClassification pca.py (not copied).
import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.svm import SVC

np.random.seed(0)
features = np.load("trainX.npy")
target = np.load("trainY.npy")
X_train, X_test, y_train, y_test = train_test_split(features, target, test_size=0.25, random_state=42)
sizes = [10, 20, 30, 40, 50] + list(range(100, 10000, 100))
for size in sizes:
    pca = PCA(n_components=size, svd_solver="randomized", whiten=True).fit(X_train)
    X_train_pca = pca.transform(X_train)
    X_test_pca = pca.transform(X_test)
    grid = {"C": [1e3, 1e4, 1e5], "gamma": [0.001, 0.01, 0.1]}
    search = GridSearchCV(SVC(kernel="rbf", class_weight="balanced"), grid)
    search = search.fit(X_train_pca, y_train)
    print(search.best_estimator_)
    print(search.score(X_test_pca, y_test))
