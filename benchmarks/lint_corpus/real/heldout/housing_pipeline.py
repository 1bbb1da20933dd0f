# ruff: noqa
# Data flow rewritten from sayali-birje/dsbdacodes Assignment4DataAnalysis1linearRegressionHousingData.py (not copied).
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

housing = pd.read_csv("4HousingData.csv")
print(housing.isnull().sum())
housing.fillna(0, inplace=True)
X = housing.iloc[:, 0:13]
y = housing.iloc[:, -1]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.20, random_state=42)
pipe = make_pipeline(StandardScaler(with_mean=False), LinearRegression())
pipe.fit(X_train, y_train)
print(pipe.score(X_test, y_test) * 100)
