# ruff: noqa
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit

visits = pd.read_csv("diabetic_data.csv")
visits["n_visits"] = visits["number_outpatient"] + visits["number_emergency"] + visits["number_inpatient"]
visits["readmitted_30"] = (visits["readmitted"] == "<30").astype(int)
X = pd.get_dummies(visits.drop(columns=["readmitted", "readmitted_30", "encounter_id"]), drop_first=True)
y = visits["readmitted_30"]
splitter = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=4)
tr_idx, te_idx = next(splitter.split(X, y, groups=visits["patient_nbr"]))
rf = RandomForestClassifier(n_estimators=300, class_weight="balanced", random_state=4)
rf.fit(X.iloc[tr_idx].drop(columns=["patient_nbr"]), y.iloc[tr_idx])
print(roc_auc_score(y.iloc[te_idx], rf.predict_proba(X.iloc[te_idx].drop(columns=["patient_nbr"]))[:, 1]))
