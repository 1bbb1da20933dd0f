# ruff: noqa
# Data flow rewritten from yoganand560/Students-Score-Prediction README.md (the Python block; not copied).
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error
import numpy as np

scores = pd.read_csv("Downloads/student_exam_scores.csv")


X = scores[["hours_studied", "sleep_hours", "attendance_percent"]]
Y = scores["exam_score"]

lin = LinearRegression()
lin.fit(X, Y)

fitted = lin.predict(X)

mae = mean_absolute_error(Y, fitted)
mse = mean_squared_error(Y, fitted)
rmse = np.sqrt(mse)

print("Mean Absolute Error(MAE): ", mae)
print("Mean Squared Error(MSE): ", mse)
print("Root Mean Squared Error(RMSE): ", rmse)
