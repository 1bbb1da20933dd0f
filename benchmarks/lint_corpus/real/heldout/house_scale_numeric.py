# ruff: noqa
# Data flow rewritten from ey-l/Bottom-up-Standardization-for-Data-Preparation .../house-prices-advanced-prevent-overfitting-by-fs.py (not copied).
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

train_csv = pd.read_csv("input/house-prices-advanced-regression-techniques/train.csv")
train_csv.describe().T
print(train_csv.isna().sum().sum())
train_csv = train_csv.dropna(axis=1)
X = train_csv.drop(["Id", "SalePrice"], axis=1)
y = train_csv["SalePrice"]
kinds = X.dtypes
numeric = kinds[kinds != "object"].index
ss = StandardScaler()
X[numeric] = ss.fit_transform(X[numeric])
X = pd.get_dummies(X)
(X_train, X_test, y_train, y_test) = train_test_split(X, y, test_size=0.2, random_state=42)
lin = LinearRegression()
