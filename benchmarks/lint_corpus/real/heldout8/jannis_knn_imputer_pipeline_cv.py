# ruff: noqa
# Data flow rewritten from Jannis997/ML data-preparation-for-machine-learning/Chapter_3_Data_Cleaning/How_to_use_KNN_imputation.py (not copied).
from numpy import mean, std
from pandas import read_csv
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import KNNImputer
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

dataframe = read_csv("horse-colic.csv", header=None, na_values="?")  # loading is left out in the source
data = dataframe.values
ix = [i for i in range(data.shape[1]) if i != 23]
X, y = data[:, ix], data[:, 23]
imputer = KNNImputer(n_neighbors=5, weights="uniform", metric="nan_euclidean")
imputer.fit(X)
Xtrans = imputer.transform(X)
model = RandomForestClassifier()
imputer = KNNImputer()
pipeline = Pipeline(steps=[("i", imputer), ("m", model)])
cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=3, random_state=1)
scores = cross_val_score(pipeline, X, y, scoring="accuracy", cv=cv, n_jobs=-1)
results = list()
strategies = [str(i) for i in [1, 3, 5, 7, 9, 15, 18, 21]]
for s in strategies:
    pipeline = Pipeline(steps=[("i", KNNImputer(n_neighbors=int(s))), ("m", RandomForestClassifier())])
    cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=3, random_state=1)
    scores = cross_val_score(pipeline, X, y, scoring="accuracy", cv=cv, n_jobs=-1)
    results.append(scores)
    print(">%s %.3f (%.3f)" % (s, mean(scores), std(scores)))
