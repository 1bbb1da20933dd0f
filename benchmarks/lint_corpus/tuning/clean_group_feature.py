# ruff: noqa
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GroupShuffleSplit

tx = pd.read_csv("transactions.csv")
tx["amount_vs_user_mean"] = tx["amount"] / tx.groupby("user_id")["amount"].transform("max")
tx["n_tx_user"] = tx.groupby("user_id")["amount"].transform("count")
y = tx["is_fraud"]
X = tx.drop(columns=["is_fraud", "user_id"])
gss = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
train_idx, test_idx = next(gss.split(X, y, groups=tx["user_id"]))
rf = RandomForestClassifier(random_state=0).fit(X.iloc[train_idx], y.iloc[train_idx])
print(rf.score(X.iloc[test_idx], y.iloc[test_idx]))
