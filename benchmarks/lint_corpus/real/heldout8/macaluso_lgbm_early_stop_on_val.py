# ruff: noqa
# Data flow rewritten from MacalusoJeff/Cookbook MachineLearning/scikit-learn/LightGBM.py (not copied).
import lightgbm as lgb
from sklearn.datasets import make_regression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

X, y = make_regression(n_samples=1000, n_features=10, random_state=46)  # the source leaves X, y to the reader
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=46)
X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=0.2, random_state=46)
params = {"metric": "mse", "learning_rate": 0.01, "n_estimators": 30000, "num_leaves": 31, "feature_fraction": 0.9}
model = lgb.LGBMRegressor(n_jobs=-1, random_state=46, **params)
model.fit(X_train, y_train, eval_set=[(X_val, y_val)], callbacks=[lgb.early_stopping(100)])
print(f"Done at {model.best_iteration_} iterations")
y_pred = model.predict(X_test, num_iteration=model.best_iteration_)
print(mean_squared_error(y_test, y_pred))
