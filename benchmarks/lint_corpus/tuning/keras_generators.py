# ruff: noqa
import numpy as np
from tensorflow import keras

keras.utils.set_random_seed(7)
X = np.load("x.npy")
y = np.load("y.npy")
BATCH = 64


def batch_gen(features, labels, batch_size=BATCH):
    idx = np.arange(len(features))
    np.random.shuffle(idx)
    for i in range(0, len(idx), batch_size):
        b = idx[i:i + batch_size]
        yield features[b], labels[b]


class ImageSeq(keras.utils.Sequence):
    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(len(self.x) / self.batch_size)  # leak: TG421

    def __getitem__(self, i):
        return self.x[i * self.batch_size:(i + 1) * self.batch_size], self.y[i * self.batch_size:(i + 1) * self.batch_size]


model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(batch_gen(X, y), steps_per_epoch=len(X) // BATCH, epochs=15)  # leak: TG423
model.fit(ImageSeq(X, y, BATCH), epochs=5)
