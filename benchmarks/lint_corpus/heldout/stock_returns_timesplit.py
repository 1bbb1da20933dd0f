# ruff: noqa
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import TimeSeriesSplit, cross_val_score

px = pd.read_csv("spy.csv", parse_dates=["Date"]).sort_values("Date").set_index("Date")
px["ret"] = px["Close"].pct_change()
px["ret_lag1"] = px["ret"].shift(1)
px["ret_lag2"] = px["ret"].shift(2)
px["vol_20"] = px["ret"].shift(1).rolling(20).std()
px["up_next"] = (px["ret"].shift(-1) > 0).astype(int)
px = px.dropna()
X = px[["ret_lag1", "ret_lag2", "vol_20"]]
y = px["up_next"]
print(cross_val_score(LogisticRegression(), X, y, cv=TimeSeriesSplit(n_splits=5)).mean())
