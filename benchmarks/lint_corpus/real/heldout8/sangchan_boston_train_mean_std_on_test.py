# ruff: noqa
# Data flow rewritten from SangChan/tensordojo ch04_11.py (not copied).
import tensorflow as tf
from tensorflow.keras.datasets import boston_housing

(train_X, train_Y), (test_X, test_Y) = boston_housing.load_data()
x_mean = train_X.mean()
x_std = train_X.std()
train_X -= x_mean
train_X /= x_std
test_X -= x_mean
test_X /= x_std
y_mean = train_Y.mean()
y_std = train_Y.std()
train_Y -= y_mean
train_Y /= y_std
test_Y -= y_mean
test_Y /= y_std
model = tf.keras.Sequential([
    tf.keras.layers.Dense(units=52, activation="relu", input_shape=(13,)),
    tf.keras.layers.Dense(units=39, activation="relu"),
    tf.keras.layers.Dense(units=26, activation="relu"),
    tf.keras.layers.Dense(units=1),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.07), loss="mse")
model.summary()
