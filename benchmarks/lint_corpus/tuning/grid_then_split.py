# ruff: noqa
from sklearn.datasets import load_digits
from sklearn.metrics import f1_score
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.neighbors import KNeighborsClassifier

digits = load_digits()
X, y = digits.data, digits.target
search = RandomizedSearchCV(KNeighborsClassifier(), {"n_neighbors": list(range(1, 40)),
                                                     "weights": ["uniform", "distance"]},
                            n_iter=20, cv=5, random_state=0)
search.fit(X, y)  # leak: TG204
print(search.best_params_)
_, X_hold, _, y_hold = train_test_split(X, y, test_size=0.3, random_state=0)
print("holdout f1", f1_score(y_hold, search.predict(X_hold), average="macro"))
