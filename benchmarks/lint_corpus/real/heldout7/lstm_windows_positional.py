# ruff: noqa
# Data flow rewritten from Zhangmingyang-Su/Deep-Learning-Project split.py (not copied); dataset_cl comes
# from an earlier notebook cell, as in the source.
import numpy as np


def processData(data, lb):
    X, Y = [], []
    for i in range(len(data) - lb - 1):
        X.append(data[i : (i + lb), 0])
        Y.append(data[(i + lb), 0])
    return np.array(X), np.array(Y)


X, y = processData(dataset_cl, 7)
X_train, X_test = X[: int(X.shape[0] * 0.80)], X[int(X.shape[0] * 0.80) :]
y_train, y_test = y[: int(y.shape[0] * 0.80)], y[int(y.shape[0] * 0.80) :]
X_train = np.reshape(X_train, (X_train.shape[0], 1, X_train.shape[1]))
X_test = np.reshape(X_test, (X_test.shape[0], 1, X_test.shape[1]))
