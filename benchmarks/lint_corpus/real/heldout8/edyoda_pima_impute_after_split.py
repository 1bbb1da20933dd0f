# ruff: noqa
# Data flow rewritten from edyoda/DS080321-ML data_preprocessing.py (not copied).
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

df = pd.read_csv("pima-data.csv")
print(df.isnull().values.any())
corr = df.corr()
del df["skin"]
diab_map = {True: 1, False: 0}
df["diabetes"] = df["diabetes"].map(diab_map)
X = df.iloc[:, 0:8]
y = df.iloc[:, -1]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
fill_0 = SimpleImputer(missing_values=0, strategy="mean")
X_train = fill_0.fit_transform(X_train)
X_test = fill_0.transform(X_test)
knn = KNeighborsClassifier(n_neighbors=7)
knn.fit(X_train, y_train)
y_pred = knn.predict(X_test)
print(y_pred)
