# ruff: noqa
import math

import numpy as np
from tensorflow import keras

keras.utils.set_random_seed(3)


class Batches(keras.utils.Sequence):
    def __init__(self, x, y, batch_size=32):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]


def forever(x, y, bs):
    rng = np.random.default_rng(3)
    while True:
        idx = rng.permutation(len(x))
        for i in range(0, len(x), bs):
            yield x[idx[i:i + bs]], y[idx[i:i + bs]]


x_tr, y_tr = np.load("xtr.npy"), np.load("ytr.npy")
x_va, y_va = np.load("xva.npy"), np.load("yva.npy")
model = keras.Sequential([keras.layers.Dense(32, activation="relu"), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
stop = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
model.fit(Batches(x_tr, y_tr), validation_data=(x_va, y_va), epochs=50, callbacks=[stop])
model.fit(forever(x_tr, y_tr, 32), steps_per_epoch=math.ceil(len(x_tr) / 32), epochs=5)
