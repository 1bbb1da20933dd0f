# ruff: noqa
import pandas as pd
from imblearn.over_sampling import RandomOverSampler
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

df = pd.read_csv("defects.csv")
X = df.drop("defective", axis=1)
y = df["defective"]
ros = RandomOverSampler(random_state=0)
X, y = ros.fit_resample(X, y)  # leak: TG104
Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
svc = SVC().fit(Xtr, ytr)
print(f1_score(yte, svc.predict(Xte)))
