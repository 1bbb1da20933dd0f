# ruff: noqa
# Data flow rewritten from daniL16/kaggle_talkingdata scripts/decision_tree.py (not copied).
import pandas as pd
from sklearn.model_selection import KFold, cross_val_score
from sklearn.tree import DecisionTreeRegressor

data = pd.read_csv("../data/train.csv", header=0)
data = data._get_numeric_data()
data.isnull().any()
data = data.fillna(method="ffill")
train_x = data.iloc[:-20, :37]
train_y = data.iloc[:-20, 37]
test_x = data.iloc[-20:, :37]
test_y = data.iloc[-20:, 37]
regr = DecisionTreeRegressor(max_depth=5)
kf = KFold(n_splits=10)
score = cross_val_score(regr, train_x, train_y, cv=kf)
print(score.mean())
