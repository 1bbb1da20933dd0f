# ruff: noqa
# Data flow rewritten from jtquisenberry/TextPlusMetaClassification Basic_Pipeline/my_pipe.py (not copied).
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

X, y = make_classification(random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
s = StandardScaler()
s.fit(X_train, y_train)
print(s.scale_)
pipe = Pipeline([("scaler", StandardScaler()), ("svc", SVC())])
pipe.fit(X_train, y_train).score(X_test, y_test)
pipe.set_params(svc__C=10).fit(X_train, y_train).score(X_test, y_test)
print(pipe["scaler"].scale_)
