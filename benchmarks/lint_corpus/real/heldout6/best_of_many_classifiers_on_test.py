# ruff: noqa
# Data flow rewritten from Bhupesh8108/machine-learning acc_check.py (not copied).
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

met = [
    DecisionTreeClassifier(),
    RandomForestClassifier(),
    LogisticRegression(),
    LinearRegression(),
    SVC(),
    GaussianNB(),
    BernoulliNB(),
    MultinomialNB(),
]
accu = []


def accuracy(x, xt, y, yt):
    for i in met:
        try:
            model = i
            model.fit(x, y)
            pred = model.predict(xt)
            acc = accuracy_score(pred.astype(int), yt.astype(int))
        except:
            acc = "error"
        accu.append(acc)
    print(met[accu.index(max(accu))], " : ", max(accu))
