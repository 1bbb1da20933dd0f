# ruff: noqa
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

adult = pd.read_csv("adult.csv")
y = (adult.pop("income") == ">50K").astype(int)
num = adult.select_dtypes("number").columns
cat = adult.select_dtypes("object").columns
prep = ColumnTransformer([
    ("num", Pipeline([("imp", SimpleImputer()), ("sc", StandardScaler())]), num),
    ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
])
X_ready = prep.fit_transform(adult)  # leak: TG101
print(cross_val_score(RandomForestClassifier(n_estimators=200, random_state=0), X_ready, y, cv=5).mean())
