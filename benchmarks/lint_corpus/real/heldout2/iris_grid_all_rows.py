# ruff: noqa
# Data flow rewritten from HeshamAsem/Sklearn 3.2_Grid_Search/3.2.1.3.py (not copied).
import pandas as pd
from sklearn import datasets, svm
from sklearn.model_selection import GridSearchCV

iris = datasets.load_iris()
grid = {"kernel": ("linear", "rbf"), "C": [1, 2, 3, 4, 5]}
search = GridSearchCV(svm.SVC(gamma="scale"), grid, cv=5)
search.fit(iris.data, iris.target)
print(pd.DataFrame(search.cv_results_)[["mean_test_score", "params"]])
print(search.best_score_, search.best_params_, search.best_estimator_)
