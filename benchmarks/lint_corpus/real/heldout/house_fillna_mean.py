# ruff: noqa
# Data flow rewritten from akky2000/PYTHON_BASICtoADVANCE firstproject.py (not copied).
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

homes = pd.read_csv("house_prices.csv")
homes.fillna(homes.mean(), inplace=True)
homes = pd.get_dummies(homes)
X = homes.drop("SalePrice", axis=1)
y = homes["SalePrice"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
sc = StandardScaler()
X_train = sc.fit_transform(X_train)
X_test = sc.transform(X_test)
reg = LinearRegression()
reg.fit(X_train, y_train)
print(mean_absolute_error(y_test, reg.predict(X_test)), reg.score(X_test, y_test))
