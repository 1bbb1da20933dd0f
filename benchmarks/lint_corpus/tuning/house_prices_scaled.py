# ruff: noqa
import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("data/house_prices.csv")
df["SalePrice"] = np.log1p(df["SalePrice"])
df["TotalSF"] = df["TotalBsmtSF"] + df["1stFlrSF"] + df["2ndFlrSF"]
df["Age"] = df["YrSold"] - df["YearBuilt"]
df = pd.get_dummies(df, columns=["Neighborhood", "MSZoning"])
df = df.fillna(0)

y = df["SalePrice"]
X = df.drop(columns=["SalePrice", "Id"])
sc = StandardScaler()
X_scaled = sc.fit_transform(X)  # leak: TG101

X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.25, random_state=0)
ridge = Ridge(alpha=10).fit(X_train, y_train)
rmse = np.sqrt(mean_squared_error(y_test, ridge.predict(X_test)))
print(f"RMSE: {rmse:.4f}")
