# ruff: noqa
# Data flow rewritten from wonjunhui/python_study ff.py (not copied).
import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler


def windows(values, back=1):
    xs, ys = [], []
    for i in range(len(values) - back - 1):
        xs.append(values[i : i + back])
        ys.append(values[i + back])
    return np.array(xs), np.array(ys)


prices = pd.read_csv("./test10.csv", index_col="date")
close = prices["close"].values[::-1]
close.astype("float32")
mm = MinMaxScaler(feature_range=(0, 1))
scaled = mm.fit_transform(close)
n_fit = int(len(scaled) * 0.9)
fit_part, eval_part = scaled[0:n_fit], scaled[n_fit : len(scaled)]
fitX, fitY = windows(fit_part, 1)
evalX, evalY = windows(eval_part, 1)
