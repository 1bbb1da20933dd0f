# ruff: noqa
import pandas as pd
import xgboost as xgb
from sklearn.model_selection import train_test_split

df = pd.read_csv("taxi_trips.csv")
y = df.pop("fare_amount")
X = df.select_dtypes("number")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.15, random_state=3)
dtrain = xgb.DMatrix(X_train, label=y_train)
dtest = xgb.DMatrix(X_test, label=y_test)
params = {"objective": "reg:squarederror", "eta": 0.05, "max_depth": 8, "seed": 3}
booster = xgb.train(params, dtrain, num_boost_round=5000, evals=[(dtest, "test")],  # leak: TG203
                    early_stopping_rounds=100)
print(booster.best_iteration, booster.best_score)
