# ruff: noqa
# Data flow rewritten from daniel142142/Python_AI_Trader Main.py (not copied).
import yfinance as yf
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

stock_symbol = "AAPL"
stock_data = yf.download(stock_symbol, start="2010-01-01", end="2024-01-23")

features = stock_data[["Open", "High", "Low", "Close", "Volume"]]
target = stock_data["Close"].shift(-1)
features = features[:-1]
target = target[:-1]

X_train, X_test, y_train, y_test = train_test_split(features, target, test_size=2, random_state=42)

model = RandomForestRegressor(n_estimators=100, random_state=42)
model.fit(X_train, y_train)
predictions = model.predict(X_test)
mse = mean_squared_error(y_test, predictions)
print(f"Mean Squared Error: {mse}")

future_features = features[-1:].values
future_prediction = model.predict(future_features)
print(f"Predicted future stock price: {future_prediction[0]}")
