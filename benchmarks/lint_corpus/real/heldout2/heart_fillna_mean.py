# ruff: noqa
# Data flow rewritten from DHANUSHKUMAR-T/END-TO-END-DATA-SCIENCE-PROJECT data_preprocessing.py (not copied).
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

heart = pd.read_csv("heart_disease_data.csv")
heart.fillna(heart.mean(), inplace=True)
X = heart.drop("target", axis=1)
y = heart["target"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
sc = StandardScaler()
X_train = sc.fit_transform(X_train)
X_test = sc.transform(X_test)
