# ruff: noqa
# Data flow rewritten from ZaidRasul/ML-RoadMap fastapi/project/train_model.py (not copied).
import pandas as pd
from sklearn.datasets import fetch_california_housing
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
import joblib

# --- data ---
housing = fetch_california_housing(as_frame=True)

frame = pd.DataFrame(housing.data, columns=housing.feature_names)
frame["MedHouseVal"] = housing.target

# --- look ---
print("Dataset Info:")
print(frame.info())
print("\nDataset Stats:")
print(frame.describe())

# --- clean ---
frame = frame.dropna()

# --- split ---
X = frame.drop("MedHouseVal", axis=1)
y = frame["MedHouseVal"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

# --- train ---
rf = RandomForestRegressor(random_state=42)
rf.fit(X_train, y_train)


# --- evaluate ---
y_pred = rf.predict(X_test)
print("\nModel Performance:")
print("MAE:", mean_absolute_error(y_test, y_pred))
print("RMSE:", root_mean_squared_error(y_test, y_pred, squared=False))
print("R2:", r2_score(y_test, y_pred))

# --- save ---
joblib.dump(rf, "model.joblib")
print("\nModel saved as 'model.joblib'")
