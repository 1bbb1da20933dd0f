# ruff: noqa
# Data flow rewritten from DEEPIKAS22CSR040/HOUSE_PRICE_PREDICTION gradient_boosting.py (not copied).
import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("house_prices.csv")
df.fillna(df.median(), inplace=True)
df = pd.get_dummies(df, drop_first=True)
X = df.drop("Price", axis=1)
y = df["Price"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
scaler = StandardScaler()
X_train_scaled = scaler.fit_transform(X_train)
X_test_scaled = scaler.transform(X_test)
gbm = GradientBoostingRegressor(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=42)
gbm.fit(X_train_scaled, y_train)
y_pred = gbm.predict(X_test_scaled)
mse = mean_squared_error(y_test, y_pred)
print(np.sqrt(mse), mean_absolute_error(y_test, y_pred), r2_score(y_test, y_pred))
print("Feature importances:", gbm.feature_importances_)
