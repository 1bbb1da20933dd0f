# ruff: noqa
# Data flow rewritten from gyi0334/Today-I-Learned codingtest/2025/1029.py (not copied).
import pandas as pd

wdbc = pd.read_csv("https://archive.ics.uci.edu/ml/"
                   "machine-learning-databases"
                   "/breast-cancer-wisconsin/wdbc.data",
                   header=None)

from sklearn.preprocessing import LabelEncoder

X = wdbc.loc[:, 2:].values
y = wdbc.loc[:, 1].values
le = LabelEncoder()
y = le.fit_transform(y)
le.classes_
print(le.transform(["M", "B"]))

from sklearn.model_selection import train_test_split

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.20, stratify=y, random_state=1)

from sklearn.preprocessing import StandardScaler
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
pipe = make_pipeline(StandardScaler(), PCA(n_components=2), LogisticRegression(random_state=1))
pipe.fit(X_train, y_train)
y_pred = pipe.predict(X_test)
print("test accuracy : %.3f" % pipe.score(X_test, y_test))
