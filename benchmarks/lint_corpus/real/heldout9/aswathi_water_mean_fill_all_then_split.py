# ruff: noqa
# Data flow rewritten from AswathiCA/Aswathi_ML_Projects RandomForestEx.py (not copied).
import pandas as pd
import numpy as np
import seaborn as sns
import matplotlib.pyplot as plt
from sklearn import metrics
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
water = pd.read_csv("water_potability.csv")
water.info()
water.isnull().sum()
water["ph"].fillna(water["ph"].mean(), inplace=True)
water["Sulfate"].fillna(water["Sulfate"].mean(), inplace=True)
water["Trihalomethanes"].fillna(water["Trihalomethanes"].mean(), inplace=True)
x = water.drop(columns=["Potability"])
y = water["Potability"]
X = water.iloc[:, :-1]
Y = water.iloc[:, -1]
from sklearn.model_selection import train_test_split
x_tr, x_te, y_tr, y_te = train_test_split(X, Y, test_size=0.2, random_state=0)
from sklearn.preprocessing import StandardScaler
sx = StandardScaler()
x_tr = sx.fit_transform(x_tr)
x_te = sx.transform(x_te)
from sklearn.preprocessing import StandardScaler
sx = StandardScaler()
x_tr = sx.fit_transform(x_tr)
x_te = sx.transform(x_te)
from sklearn.ensemble import RandomForestClassifier
rfc = RandomForestClassifier(n_estimators=10, criterion="entropy")
rfc.fit(x_tr, y_tr)
y_pred = rfc.predict(x_te)
from sklearn.metrics import confusion_matrix
cm = confusion_matrix(y_te, y_pred)
cm
accuracy = accuracy_score(y_te, y_pred)
print("Accuracy: %.2f" % (accuracy * 100))
