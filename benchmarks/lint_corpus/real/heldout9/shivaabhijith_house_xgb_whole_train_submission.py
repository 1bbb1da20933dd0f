# ruff: noqa
# Data flow rewritten from aorursy/KT_dataset_py shivaabhijith_train-model-on-whole-data-using-xgboost.py (not copied).
# Kaggle kernel boilerplate

import numpy as np # linear algebra

import pandas as pd # data processing, CSV file I/O (e.g. pd.read_csv)

import os

for dirname, _, filenames in os.walk("/kaggle/input"):

    for filename in filenames:

        print(os.path.join(dirname, filename))

import pandas as pd

homes = pd.read_csv("/kaggle/input/house-prices-advanced-regression-techniques/train.csv", index_col="Id")

homes_test_full = pd.read_csv("/kaggle/input/house-prices-advanced-regression-techniques/test.csv", index_col="Id")

# drop rows without a price, separate the target
homes.dropna(axis=0, subset=["SalePrice"], inplace=True)

price = homes.SalePrice

homes.drop(["SalePrice"], axis=1, inplace=True)

# categorical columns with few levels
low_card = [c for c in homes.columns if homes[c].nunique() < 10 and
            homes[c].dtype == "object"]

numeric = [c for c in homes.columns if homes[c].dtype in ["int64", "float64"]]

keep = low_card + numeric

homes_train = homes[keep].copy()

homes_test = homes_test_full[keep].copy()


homes_train = pd.get_dummies(homes_train)

homes_test = pd.get_dummies(homes_test)

homes_train, homes_test = homes_train.align(homes_test, join="left", axis=1)
homes_train.shape
from xgboost import XGBRegressor

xgbr = XGBRegressor(n_estimators=1000, learning_rate=0.05)

xgbr.fit(homes_train, price)

test_preds = xgbr.predict(homes_test)

submission = pd.DataFrame({"Id": homes_test.index,
                           "SalePrice": test_preds})
submission.to_csv("submission.csv", index=False)
