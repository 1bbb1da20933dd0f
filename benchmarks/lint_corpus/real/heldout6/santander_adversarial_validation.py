# ruff: noqa
# Data flow rewritten from aorursy/new-nb-8 tunguz_adversarial-santander.py (not copied).
import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.model_selection import KFold

train = pd.read_csv("../input/train.csv")
test = pd.read_csv("../input/test.csv")
train = train[train.columns[2:]]
test = test[test.columns[1:]]
features = train.columns
train["target"] = 0
test["target"] = 1
train_test = pd.concat([train, test], axis=0)
target = train_test["target"].values

param = {"num_leaves": 40, "objective": "binary", "max_depth": 4, "learning_rate": 0.006, "metric": "auc"}
folds = KFold(n_splits=5, shuffle=True, random_state=15)
oof = np.zeros(len(train_test))
for fold_, (trn_idx, val_idx) in enumerate(folds.split(train_test.values, target)):
    trn_data = lgb.Dataset(train_test.iloc[trn_idx][features], label=target[trn_idx])
    val_data = lgb.Dataset(train_test.iloc[val_idx][features], label=target[val_idx])
    clf = lgb.train(
        param, trn_data, 30000, valid_sets=[trn_data, val_data], verbose_eval=1000, early_stopping_rounds=1400
    )
    oof[val_idx] = clf.predict(train_test.iloc[val_idx][features], num_iteration=clf.best_iteration)
metrics.roc_auc_score(target, oof)
