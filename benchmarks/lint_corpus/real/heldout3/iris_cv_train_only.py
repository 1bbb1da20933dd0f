# ruff: noqa
# Data flow rewritten from satwik12234/Iris-Flower-Classification ModelBuilding1.py (not copied); dataset is read earlier.
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.svm import SVC

X = dataset.drop(["class"], axis=1)
y = dataset["class"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.20, random_state=1)
candidates = [("SVC", SVC(gamma="auto"))]
for name, est in candidates:
    folds = StratifiedKFold(n_splits=10, random_state=1, shuffle=True)
    res = cross_val_score(est, X_train, y_train, cv=folds, scoring="accuracy")
    print(name, res.mean(), res.std())
