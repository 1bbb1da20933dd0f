# ruff: noqa
# Data flow rewritten from LesikDee/Computer_Network Periscope/src/neuralnet/model_creator.py (not copied).
import keras
from keras.layers import Dense
from numpy import loadtxt


def build_model():
    net = keras.Sequential(
        [
            keras.layers.Dense(64, activation="relu", input_shape=[len(train_dataset.keys())]),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    net.compile(loss="mse", optimizer=keras.optimizers.RMSprop(0.001), metrics=["mae", "mse"])
    return net


rows = loadtxt("pima-indians-diabetes.csv", delimiter=",")
X = rows[:, 0:8]
y = rows[:, 8]
net = keras.Sequential()
net.add(Dense(12, input_dim=8, activation="relu"))
net.add(Dense(8, activation="relu"))
net.add(Dense(1, activation="sigmoid"))
net.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
net.fit(X, y, epochs=150, batch_size=10)
_, acc = net.evaluate(X, y)
print(acc)
