# ruff: noqa
# Data flow rewritten from berranuralinca/Machine_Learning .../CLASSIFICATION/decision_tree.py (not copied).
import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

raw = pd.read_csv("missingvalues.csv")
body = raw.iloc[:, 1:3]
sex = raw.iloc[:, 4:]
imp = SimpleImputer(missing_values=np.nan, strategy="mean")
age = raw.iloc[:, 3:4].values
imp = imp.fit(age)
age = imp.transform(age)
age_frame = pd.DataFrame(data=age, index=range(22), columns=["age"])
features = pd.concat([body, age_frame], axis=1)
x_train, x_test, y_train, y_test = train_test_split(features, sex, test_size=0.33, random_state=0)
tree = DecisionTreeClassifier(criterion="entropy", random_state=0)
tree.fit(x_train, y_train)
print(confusion_matrix(y_test, tree.predict(x_test)))
