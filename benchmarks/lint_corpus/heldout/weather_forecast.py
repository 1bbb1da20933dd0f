# ruff: noqa
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

weather = pd.read_csv("weather.csv", parse_dates=["DATE"], index_col="DATE")
weather = weather.sort_index()
weather["tmax_tomorrow"] = weather["tmax"].shift(-1)
weather["tmax_roll3"] = weather["tmax"].rolling(3).mean()
weather["prcp_roll3"] = weather["prcp"].rolling(3).mean()
weather = weather.dropna()
predictors = ["tmax", "tmin", "prcp", "tmax_roll3", "prcp_roll3"]
X_train, X_test, y_train, y_test = train_test_split(weather[predictors], weather["tmax_tomorrow"],  # leak: TG301
                                                    test_size=0.2, random_state=0)
rf = RandomForestRegressor(random_state=0).fit(X_train, y_train)
print(mean_squared_error(y_test, rf.predict(X_test)))
