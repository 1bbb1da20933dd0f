# ruff: noqa
import lightgbm as lgb
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("flights.csv")
y = df.pop("delayed")
X_rest, X_test, y_rest, y_test = train_test_split(df, y, test_size=0.2, random_state=0)
X_tr, X_va, y_tr, y_va = train_test_split(X_rest, y_rest, test_size=0.2, random_state=0)
train_set = lgb.Dataset(X_tr, y_tr)
valid_set = lgb.Dataset(X_va, y_va)
booster = lgb.train({"objective": "binary", "seed": 0}, train_set, num_boost_round=3000,
                    valid_sets=[valid_set], callbacks=[lgb.early_stopping(100)])
pred = booster.predict(X_test, num_iteration=booster.best_iteration)
