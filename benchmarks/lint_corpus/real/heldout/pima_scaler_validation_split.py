# ruff: noqa
# Data flow rewritten from agungdwiprasetyo/deep-learning code-example/data_preparation/standardize.py (not copied).
import numpy
from keras.layers import Dense
from keras.models import Sequential
from sklearn.preprocessing import StandardScaler

numpy.random.seed(7)
table = numpy.loadtxt("pima-indians-diabetes.csv", delimiter=",")
X = table[:, 0:8]
Y = table[:, 8]
sc = StandardScaler()
sc.fit(X)
X_std = sc.transform(X)
net = Sequential()
net.add(Dense(12, input_dim=8, activation="relu"))
net.add(Dense(8, activation="relu"))
net.add(Dense(1, activation="sigmoid"))
net.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
net.fit(X_std, Y, validation_split=0.33, epochs=150, batch_size=10)
