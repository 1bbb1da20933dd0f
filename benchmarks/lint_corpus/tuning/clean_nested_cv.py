# ruff: noqa
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

X, y = load_breast_cancer(return_X_y=True)
inner = KFold(n_splits=4, shuffle=True, random_state=0)
outer = KFold(n_splits=5, shuffle=True, random_state=1)
pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
search = GridSearchCV(pipe, {"svc__C": [0.1, 1, 10], "svc__gamma": ["scale", 0.01]}, cv=inner)
print(cross_val_score(search, X, y, cv=outer).mean())
