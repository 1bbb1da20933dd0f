# ruff: noqa
# Data flow rewritten from pahulhallan/applePredict model.py (not copied); train_data/test_data come from earlier code.
import numpy as np
import tensorflow as tf
from sklearn.preprocessing import MinMaxScaler

series = train_data.iloc[:, 3:4].values
actual = test_data.iloc[:, 3:4].values
mm = MinMaxScaler(feature_range=(0, 1))
series_scaled = mm.fit_transform(series)
windows, nexts = [], []
for i in range(60, 1000):
    windows.append(series_scaled[i - 60 : i, 0])
    nexts.append(series_scaled[i, 0])
windows, nexts = np.array(windows), np.array(nexts)
net = tf.keras.models.Sequential()
net.add(tf.keras.layers.LSTM(units=50, return_sequences=True, input_shape=(windows.shape[1], 1)))
net.add(tf.keras.layers.Dropout(0.2))
net.add(tf.keras.layers.LSTM(units=50))
net.add(tf.keras.layers.Dense(units=1))
net.compile(optimizer="adam", loss="mean_squared_error")
net.fit(windows, nexts, epochs=100, batch_size=32)
