# ruff: noqa
import numpy as np
from sklearn.datasets import fetch_california_housing
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

X, y = fetch_california_housing(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
alphas = np.logspace(-3, 3, 13)
r2s = []
for a in alphas:
    m = Ridge(alpha=a).fit(X_train, y_train)
    r2s.append(r2_score(y_test, m.predict(X_test)))  # leak: TG202
best_alpha = alphas[int(np.argmax(r2s))]
print("best alpha", best_alpha, "test r2", max(r2s))
