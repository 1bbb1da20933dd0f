# ruff: noqa
# Data flow rewritten from pkhari2004/insurance_cost_prediction_project preprocessing_and_training.py (not copied).
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
import joblib

ins = pd.read_csv("insurance.csv")

ins["sex"] = ins["sex"].map({"female": 0, "male": 1})
ins["smoker"] = ins["smoker"].map({"no": 0, "yes": 1})
ins["region"] = ins["region"].map({"southwest": 1, "southeast": 2, "northwest": 3, "northeast": 4})

X = ins.drop(["charges"], axis=1)
y = ins["charges"]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

gbr = GradientBoostingRegressor()
gbr.fit(X_train, y_train)

pred = gbr.predict(X_test)

print(f"MAE: {mean_absolute_error(y_test, pred):.2f}")
print(f"MSE: {mean_squared_error(y_test, pred):.2f}")
print(f"R2 Score: {r2_score(y_test, pred):.2f}")

# final model on every row, for deployment
gbr_all = GradientBoostingRegressor()
gbr_all.fit(X, y)

joblib.dump(gbr_all, "insurance_cost_model.pkl")
