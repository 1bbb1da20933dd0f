# ruff: noqa
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def load(path):
    frame = pd.read_csv(path)
    return frame.drop(columns=["label"]), frame["label"]


def compress(matrix, n=20):
    pca = PCA(n_components=n, random_state=0)
    return pca.fit_transform(matrix)  # leak: TG101


def evaluate(features, labels):
    a_tr, a_te, b_tr, b_te = train_test_split(features, labels, test_size=0.3, random_state=0)
    return LogisticRegression(max_iter=1000).fit(a_tr, b_tr).score(a_te, b_te)


X, y = load("mnist_small.csv")
Z = compress(X.to_numpy() / 255.0)
print(evaluate(Z, y))
