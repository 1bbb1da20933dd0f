# ruff: noqa
# Data flow rewritten from ZahrizhalAli/predict_heartattack_sklearn main.py (not copied; the file stops after scaling).
import pandas as pd
from sklearn.model_selection import train_test_split, GridSearchCV
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression


data = pd.read_csv("./data/heart.csv")

features = data.drop("target", axis=1)
labels = data["target"]

features_train, features_test, labels_train, labels_test = train_test_split(features, labels, test_size=0.1, random_state=101)

std = StandardScaler()
std.fit(features_train)
features_train = std.transform(features_train)
features_test = std.transform(features_test)

#
