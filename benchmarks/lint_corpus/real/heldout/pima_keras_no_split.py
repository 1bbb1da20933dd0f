# ruff: noqa
# Data flow rewritten from BrayanArrieta/keras-machine-learning-diabetes main.py (not copied).
import numpy
from keras.layers import Dense
from keras.models import Sequential

numpy.random.seed(7)
table = numpy.loadtxt("diabetes.csv", delimiter=",", skiprows=1)
X = table[:, 0:8]
Y = table[:, 8]
net = Sequential()
net.add(Dense(12, input_dim=8, activation="relu"))
net.add(Dense(8, activation="relu"))
net.add(Dense(1, activation="sigmoid"))
net.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
net.fit(X, Y, epochs=150, batch_size=10)
print(net.evaluate(X, Y))
print([round(p[0]) for p in net.predict(X)])
