# ruff: noqa
# Data flow rewritten from hayateb/data-preproccesing diabets/diabets.py (not copied).
import pandas as pd
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split

survey = pd.DataFrame(pd.read_csv("diabet.csv"))
a = survey.drop("Diabetes_012", axis=1)
b = survey["Diabetes_012"]
a_train, a_test, b_train, b_test = train_test_split(a, b, test_size=0.33, stratify=b, random_state=0)
a_train_sm, b_train_sm = SMOTE(random_state=0).fit_resample(a_train, b_train)
print(a_train.shape, b_train.shape)
