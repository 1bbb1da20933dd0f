# ruff: noqa
# Data flow rewritten from Grazero/Machine_Learning_Forex testXgboox.py (not copied).
import xgboost as xgb
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

features, labels = load_iris(return_X_y=True)
f_train, f_test, l_train, l_test = train_test_split(features, labels, test_size=0.3)
booster = xgb.XGBClassifier(n_estimators=100)
booster.fit(f_train, l_train, eval_set=[(f_test, l_test)], early_stopping_rounds=10, verbose=True)
