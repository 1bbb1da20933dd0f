# ruff: noqa
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import MinMaxScaler

data = np.loadtxt("sonar.csv", delimiter=",")
X, y = data[:, :-1], data[:, -1]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=2)
X_all = np.vstack([X_train, X_test])
mm = MinMaxScaler().fit(X_all)  # leak: TG101
X_train, X_test = mm.transform(X_train), mm.transform(X_test)
mlp = MLPClassifier(hidden_layer_sizes=(60,), max_iter=2000, random_state=2).fit(X_train, y_train)
print(mlp.score(X_test, y_test))
