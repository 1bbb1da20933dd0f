# ruff: noqa
# Data flow rewritten from saad2134/ai 1_beginner/supervised-learning/multiple_linear_regression.py (not copied).
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.metrics import mean_squared_error, r2_score

records = {
    "study_hours": [10, 15, 20, 25, 30, 5, 12, 18, 22, 28],
    "attendance": [85, 90, 95, 98, 100, 70, 80, 88, 92, 96],
    "previous_score": [60, 65, 70, 75, 80, 55, 62, 68, 72, 78],
    "final_score": [65, 72, 80, 85, 90, 58, 70, 78, 82, 88],
}
students = pd.DataFrame(records)

X = students[["study_hours", "attendance", "previous_score"]]
y = students["final_score"]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
reg = LinearRegression()
reg.fit(X_train, y_train)

y_pred = reg.predict(X_test)
print("Coefficients:", dict(zip(X.columns, reg.coef_)))
print(f"Intercept: {reg.intercept_:.2f}")
print(f"R2 Score: {r2_score(y_test, y_pred):.3f}")
print(f"RMSE: {mean_squared_error(y_test, y_pred, squared=False):.3f}")
