# ruff: noqa
# Data flow rewritten from Drimkore/MLopsTrain model_preprocessing.py (not copied); the split that the
# source imports from its data_creation module is spelled out.
import pandas as pd
from sklearn import preprocessing
from sklearn.model_selection import train_test_split

data = pd.read_csv("data.csv")
X_train, X_test, y_train, y_test = train_test_split(
    data.drop(columns=["target"]), data["target"], test_size=0.2
)

scaler = preprocessing.MinMaxScaler()
X_train = scaler.fit_transform(X_train.values)
X_test = scaler.fit_transform(X_test.values)
