# ruff: noqa
# Data flow rewritten from Bradenwg/ECE4424-Final_Project random-forest.py (not copied).
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import train_test_split

data = pd.read_csv("goog.us.txt", parse_dates=["Date"], index_col="Date")
data.sort_index(inplace=True)

data["Prev_Close"] = data["Close"].shift(1)
data["MA_5"] = data["Close"].rolling(window=5).mean()
data["MA_20"] = data["Close"].rolling(window=20).mean()
data.dropna(inplace=True)

target = data["Close"]
features = data[["Prev_Close", "MA_5", "MA_20", "Volume"]]
X_train, X_test, y_train, y_test = train_test_split(features, target, test_size=0.2, shuffle=False)

model = RandomForestRegressor(n_estimators=150, max_depth=15, random_state=42)
model.fit(X_train, y_train)
y_pred = model.predict(X_test)
print("Test MSE:", mean_squared_error(y_test, y_pred))
print("Test R2:", r2_score(y_test, y_pred))

last_features = features.iloc[-1:].copy()
print("Predicted Next Close:", model.predict(last_features)[0])
