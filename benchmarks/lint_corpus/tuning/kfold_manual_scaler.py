# ruff: noqa
import numpy as np
from sklearn.datasets import fetch_california_housing
from sklearn.linear_model import SGDRegressor
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

X, y = fetch_california_housing(return_X_y=True)
X_scaled = StandardScaler().fit_transform(X)  # leak: TG101
kf = KFold(n_splits=5, shuffle=True, random_state=0)
scores = []
for fold, (train_idx, test_idx) in enumerate(kf.split(X)):
    X_tr, X_te = X_scaled[train_idx], X_scaled[test_idx]
    model = SGDRegressor(random_state=0).fit(X_tr, y[train_idx])
    scores.append(model.score(X_te, y[test_idx]))
print(np.mean(scores))
