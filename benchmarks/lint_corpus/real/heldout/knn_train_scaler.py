# ruff: noqa
# Data flow rewritten from CSEMN/FEE_AI_ASSIGNMENTS sheet_4_ML/task_3/knn.py (not copied).
import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MinMaxScaler

table = pd.read_csv("diabetes.csv")
X = pd.DataFrame(table.iloc[:, 0:8].values)
Y = pd.DataFrame(table.iloc[:, 8].values)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=7)
mm = MinMaxScaler()
X_train = mm.fit_transform(X_train)
knn = KNeighborsClassifier().fit(X_train, Y_train.values.ravel())
print("KNN accuracy: " + str(accuracy_score(Y_test, knn.predict(X_test))))
