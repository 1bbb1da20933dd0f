# ruff: noqa
# Data flow rewritten from zeyongj/House-Prices-Advanced-Regression-Techniques house_prices.py (not copied).
import pandas as pd
import numpy as np
from sklearn.model_selection import train_test_split, GridSearchCV, KFold, cross_val_score
from sklearn.metrics import mean_squared_error
from sklearn.preprocessing import OneHotEncoder
from sklearn.linear_model import Lasso
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MinMaxScaler
from sklearn.preprocessing import MaxAbsScaler

houses = pd.read_csv("data/train.csv")
houses_kaggle_test = pd.read_csv("data/test.csv")

cat_cols = houses.select_dtypes(include=["object"]).columns
num_cols = houses.select_dtypes(exclude=["object"]).drop(["Id", "SalePrice"], axis=1).columns

prep = ColumnTransformer(
    transformers=[
        ("num", SimpleImputer(strategy="mean"), num_cols),
        ("cat", Pipeline(steps=[
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            ("onehot", OneHotEncoder(handle_unknown="ignore"))]), cat_cols)])

X = houses.drop(["Id", "SalePrice"], axis=1)
y = houses["SalePrice"]
X_kaggle = houses_kaggle_test.drop(["Id"], axis=1)

X = prep.fit_transform(X)
X_kaggle = prep.transform(X_kaggle)

mabs = MaxAbsScaler()
X = mabs.fit_transform(X)
X_kaggle = mabs.transform(X_kaggle)

alpha_grid = np.logspace(-5, 1, 100)
lasso = Lasso(max_iter=10000)
gs = GridSearchCV(estimator=lasso, param_grid=dict(alpha=alpha_grid), scoring="neg_mean_squared_error", cv=5)
gs.fit(X, y)

final = Lasso(alpha=gs.best_params_["alpha"], max_iter=10000)
final.fit(X, y)

folds = KFold(n_splits=5, random_state=42, shuffle=True)
rmse = np.sqrt(-cross_val_score(final, X, y, scoring="neg_mean_squared_error", cv=folds))
