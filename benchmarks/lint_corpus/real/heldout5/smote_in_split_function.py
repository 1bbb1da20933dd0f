# ruff: noqa
# Data flow rewritten from RistovaIvona/Bank-Marketing Best_Model/best_model/load_and_split.py (not copied).
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split


def split_and_balance(frame):
    target = frame[["y"]]
    features = frame.drop(["y"], axis=1)
    f_first, f_test, t_first, t_test = train_test_split(features, target, test_size=0.2, random_state=1)
    f_train, t_train = SMOTE(random_state=2).fit_resample(f_first, t_first.values.ravel())
    return f_train, f_test, t_train, t_test
