# ruff: noqa
# Data flow rewritten from SabariSri/ml_trials overfitting.py (not copied).
from matplotlib import pyplot
from sklearn.datasets import make_classification
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

X, y = make_classification(n_samples=10000, n_features=20, n_informative=5, n_redundant=15, random_state=1)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)
train_scores, test_scores = list(), list()
values = [i for i in range(1, 21)]
for i in values:
    model = DecisionTreeClassifier(max_depth=i)
    model.fit(X_train, y_train)
    train_yhat = model.predict(X_train)
    train_acc = accuracy_score(y_train, train_yhat)
    train_scores.append(train_acc)
    test_yhat = model.predict(X_test)
    test_acc = accuracy_score(y_test, test_yhat)
    test_scores.append(test_acc)
    print(">%d, train: %.3f, test: %.3f" % (i, train_acc, test_acc))
pyplot.plot(values, train_scores, "-o", label="Train")
pyplot.plot(values, test_scores, "-o", label="Test")
pyplot.legend()
pyplot.show()
