# ruff: noqa
# Data flow rewritten from To-Hasegawa/Kaggle Tools/drop_high_correlation.py (not copied).
import numpy as np
import pandas as pd

train = pd.read_csv("train.csv")
cols = train.columns
dropped = []
for a in cols:
    for b in cols:
        if a != b and a not in dropped and b not in dropped:
            if np.corrcoef(train[a], train[b])[0][1] > 0.995:
                dropped.append(b)
cols = [c for c in cols if c not in dropped]
train = train[cols]
