# ruff: noqa
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import r2_score

bikes = pd.read_csv("bike_sharing.csv")
bikes["hour_sin"] = (bikes["hr"] / 24.0).map(lambda v: __import__("math").sin(6.283 * v))
FEATS = ["temp", "hum", "windspeed", "hour_sin", "workingday"]

holdout = bikes.sample(frac=0.2, random_state=5)
train_df = bikes
reg = HistGradientBoostingRegressor(random_state=5)
reg.fit(train_df[FEATS], train_df["cnt"])  # leak: TG201
print("R2 on holdout", r2_score(holdout["cnt"], reg.predict(holdout[FEATS])))
