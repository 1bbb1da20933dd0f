# ruff: noqa
# Data flow rewritten from Boremp/datamining_setu_wit
# presentation/04-Hyperparameter_Tuning/code_snippets/Presentation/008-standardlearning.py (not copied);
# the presentation's data loading is spelled out.
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 42
X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.20, random_state=SEED)
ss = StandardScaler()
X_train_scaled = ss.fit_transform(X_train)
X_test_scaled = ss.transform(X_test)
clf = LogisticRegression(solver="lbfgs")
scores = cross_val_score(estimator=clf, X=X_train_scaled, y=y_train, cv=10, n_jobs=-1)
print("CV accuracy: %.3f +/- %.3f" % (np.mean(scores), np.std(scores)))
