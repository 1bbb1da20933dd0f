# ruff: noqa
# Data flow rewritten from jasonliu2050/transiction_fraud drop_features.py (not copied); train_txn comes from earlier code.
import numpy as np


def drop_correlated(frame):
    corr = frame.corr().abs()
    upper = corr.where(np.triu(np.ones(corr.shape), k=1).astype(bool))
    gone = [c for c in upper.columns if any(upper[c] > 0.95)]
    frame.drop(frame[gone], axis=1, inplace=True)


drop_correlated(train_txn)
print(train_txn.columns.values)
