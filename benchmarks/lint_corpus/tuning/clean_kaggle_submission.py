# ruff: noqa
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
features = [c for c in train.columns if c not in ("id", "target")]
scaler = StandardScaler().fit(train[features])
X = scaler.transform(train[features])
X_sub = scaler.transform(test[features])
model = GradientBoostingRegressor(random_state=0).fit(X, train["target"])
pd.DataFrame({"id": test["id"], "target": model.predict(X_sub)}).to_csv("submission.csv", index=False)
