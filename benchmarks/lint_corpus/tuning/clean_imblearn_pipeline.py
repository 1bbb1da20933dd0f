# ruff: noqa
import pandas as pd
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

data = pd.read_csv("stroke.csv").dropna()
y = data["stroke"]
X = pd.get_dummies(data.drop(columns=["stroke", "id"]))
pipe = make_pipeline(StandardScaler(), SMOTE(random_state=1), LogisticRegression(max_iter=1000))
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
res = cross_validate(pipe, X, y, cv=cv, scoring=["recall", "precision"])
print(res["test_recall"].mean(), res["test_precision"].mean())
