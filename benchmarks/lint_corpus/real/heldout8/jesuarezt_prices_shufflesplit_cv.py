# ruff: noqa
# Data flow rewritten from jesuarezt/datacamp_learning python_career_machine_learning_scientist/09_machine_learning_for_times_series/04/02_cross_validation_in_time_series.py (not copied).
# X and y are the historical daily prices of several large companies (rows in date order), given by the exercise.
import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold, ShuffleSplit

prices = pd.read_csv("prices.csv", index_col="date", parse_dates=True).sort_index()
X = prices.drop(columns=["AAPL"]).values
y = prices["AAPL"].values
model = LinearRegression()
cv = ShuffleSplit(10, random_state=1)
results = []
for tr, tt in cv.split(X, y):
    model.fit(X[tr], y[tr])
    prediction = model.predict(X[tt])
    score = r2_score(y[tt], prediction)
    results.append((prediction, score, tt))
cv = KFold(n_splits=10, shuffle=False)
results = []
for tr, tt in cv.split(X, y):
    model.fit(X[tr], y[tr])
    prediction = model.predict(X[tt])
    score = r2_score(y[tt], prediction)
    results.append((prediction, score, tt))
