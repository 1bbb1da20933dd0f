# ruff: noqa
# Data flow rewritten from AnuragAnalog/Datacamp
# courses/python/Machine-Learning-with-Tree-Based-Models-in-Python/chapter-2/Evaluate-individual-classifiers.py
# (not copied). The exercise's pre-loaded liver-patient split and classifier list are spelled out.
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier as KNN
from sklearn.tree import DecisionTreeClassifier

liver = pd.read_csv("indian_liver_patient_preprocessed.csv")
X = liver.drop("Liver_disease", axis=1)
y = liver["Liver_disease"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=1)

lr = LogisticRegression(random_state=1)
knn = KNN(n_neighbors=27)
dt = DecisionTreeClassifier(min_samples_leaf=0.13, random_state=1)
classifiers = [("Logistic Regression", lr), ("K Nearest Neighbours", knn), ("Classification Tree", dt)]

for clf_name, clf in classifiers:
    clf.fit(X_train, y_train)
    y_pred = clf.predict(X_test)
    accuracy = accuracy_score(y_pred, y_test)
    print("{:s} : {:.3f}".format(clf_name, accuracy))
