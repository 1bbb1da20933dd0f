# ruff: noqa
# Data flow rewritten from rvickram/Heart-Disease-Predictions heart-disease-predict.py (not copied).

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.neighbors import KNeighborsClassifier
from sklearn.metrics import confusion_matrix
from sklearn.metrics import classification_report
import matplotlib.pyplot as plt
import seaborn as sns

patients = pd.read_csv("heart.csv")
print(patients.head())

# class balance
sns.countplot(x=patients["target"])
plt.title("Countplot of Target")
plt.xlabel("target")
plt.ylabel("Patients")
plt.show()

x = patients.drop(["target"], axis=1)
y = patients["target"].values

# KNN needs scaled inputs
from sklearn.preprocessing import StandardScaler
scaler = StandardScaler()
x = scaler.fit_transform(x)

# 70 : 30
x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.3)

train_acc = []
test_acc = []
ks = []

for k in range(1, 21):
    ks.append(k)
    knn = KNeighborsClassifier(n_neighbors=k)
    knn.fit(x_tr, y_tr)

    train_acc.append(knn.score(x_tr, y_tr))

    test_acc.append(knn.score(x_te, y_te))

best = max(test_acc)
best_ks = [i for i, v in enumerate(test_acc) if v == best]
print("Max test score {} and k = {}".format(best * 100, list(map(lambda i: i + 1, best_ks))))

knn = KNeighborsClassifier(3)

knn.fit(x_tr, y_tr)
print("KNN score: ", knn.score(x_te, y_te))
