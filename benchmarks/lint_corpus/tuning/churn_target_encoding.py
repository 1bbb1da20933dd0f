# ruff: noqa
import pandas as pd
import lightgbm as lgb
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

raw = pd.read_parquet("churn.parquet")
target = "churned"

for col in ["plan", "region", "device"]:
    raw[col + "_churn_rate"] = raw.groupby(col)[target].transform("mean")  # leak: TG105

raw["calls_per_day"] = raw["calls"] / raw["tenure_days"].clip(lower=1)
X = raw.drop(columns=[target, "customer_id"])
y = raw[target]
X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, test_size=0.2, random_state=11)
model = lgb.LGBMClassifier(n_estimators=400, learning_rate=0.05)
model.fit(X_tr, y_tr)
print("AUC", roc_auc_score(y_te, model.predict_proba(X_te)[:, 1]))
