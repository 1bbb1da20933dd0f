# ruff: noqa
"""Credit scoring: everything inside a pipeline, tuned by CV on the training rows."""
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.impute import SimpleImputer

SEED = 2023
credit = pd.read_csv("german_credit.csv")
credit["credit_per_month"] = credit["credit_amount"] / credit["duration"]
target = credit.pop("default")
numeric = credit.select_dtypes(include="number").columns
categorical = credit.columns.difference(numeric)
preprocess = ColumnTransformer([
    ("num", Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler())]), numeric),
    ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
])
model = Pipeline([("prep", preprocess), ("clf", LogisticRegression(max_iter=5000))])
X_tr, X_te, y_tr, y_te = train_test_split(credit, target, test_size=0.25, stratify=target, random_state=SEED)
search = RandomizedSearchCV(model, {"clf__C": [0.01, 0.1, 1, 10]}, n_iter=4, cv=5, scoring="roc_auc",
                            random_state=SEED)
search.fit(X_tr, y_tr)
print("test AUC", roc_auc_score(y_te, search.predict_proba(X_te)[:, 1]))
