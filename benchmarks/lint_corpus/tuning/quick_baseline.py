# ruff: noqa
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split

df = pd.read_csv("insurance.csv")
df = pd.get_dummies(df, drop_first=True)
X = df.drop(columns=["charges"])
y = df["charges"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)  # leak: TG501
rf = RandomForestRegressor(n_estimators=200)  # leak: TG502
rf.fit(X_train, y_train)
print(mean_absolute_error(y_test, rf.predict(X_test)))
