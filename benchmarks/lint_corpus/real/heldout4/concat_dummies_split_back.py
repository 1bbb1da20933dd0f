# ruff: noqa
# Data flow rewritten from KalimullinaA/The_simplest_ML_pipeline train__model.py (not copied).
import pandas as pd

part_a = pd.read_csv("train/X_train.csv", index_col=0)
part_b = pd.read_csv("test/X_test.csv", index_col=0)
both = pd.concat([part_a, part_b])
cats = [c for c in both.columns if both[c].dtypes == object]
both = both.join(pd.get_dummies(both[cats]))
both.drop(columns=["Job Title"], inplace=True)
X_train = both.iloc[0 : part_a.shape[0], :]
X_test = both.iloc[part_a.shape[0] :, :]
X_train.to_csv("train/X_train.csv", index=False)
X_test.to_csv("test/X_test.csv", index=False)
