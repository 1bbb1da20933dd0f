# ruff: noqa
import pandas as pd
from sklearn.linear_model import Lasso
from sklearn.model_selection import TimeSeriesSplit, cross_val_score

load = pd.read_csv("energy.csv", index_col="datetime", parse_dates=True)
load = load.sort_index()
load["temperature"] = load["temperature"].fillna(method="bfill")  # leak: TG302
load["lag_24"] = load["demand"].shift(24)
load = load.dropna()
y = load["demand"]
X = load.drop(columns=["demand"])
print(cross_val_score(Lasso(alpha=0.1), X, y, cv=TimeSeriesSplit(n_splits=5), scoring="neg_mean_absolute_error"))
