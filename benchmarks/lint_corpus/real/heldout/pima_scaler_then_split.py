# ruff: noqa
# Data flow rewritten from ali-ghanbari/deepmufl-ase-2023 Dataset/all-bugs/58064701/bug.py (not copied).
import pandas as pd
from keras import Sequential
from keras.layers import Dense
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

pima = pd.read_csv("./pima-indians-diabetes.csv", header=None)
X = pima.iloc[:, 0:8]
y = pima.iloc[:, 8]
sc = StandardScaler()
X = sc.fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)
clf = Sequential()
clf.add(Dense(units=10, activation="relu", kernel_initializer="random_normal", input_dim=8))
clf.add(Dense(units=10, activation="relu", kernel_initializer="random_normal"))
clf.add(Dense(units=1, activation="sigmoid", kernel_initializer="random_normal"))
clf.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
clf.fit(X_train, y_train, batch_size=2, epochs=10)
