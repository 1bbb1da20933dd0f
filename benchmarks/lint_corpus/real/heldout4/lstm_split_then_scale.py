# ruff: noqa
# Data flow rewritten from 4triumph/matlab_competition matlabcontest/lsssstm.py (not copied).
import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

series = pd.read_csv("train.csv", parse_dates=["Date"], index_col=[0])
cut = round(len(series) * 0.20)
part_fit = series[:-1041]
part_eval = series[-1041:]
mm = MinMaxScaler(feature_range=(0, 1))
fit_scaled = mm.fit_transform(part_fit)
eval_scaled = mm.transform(part_eval)


def windows(values, past):
    xs, ys = [], []
    for i in range(past, len(values)):
        xs.append(values[i - past : i, 0 : values.shape[1]])
        ys.append(values[i, 0])
    return np.array(xs), np.array(ys)


trainX, trainY = windows(fit_scaled, 30)
testX, testY = windows(eval_scaled, 30)
print(trainX.shape, testX.shape)
