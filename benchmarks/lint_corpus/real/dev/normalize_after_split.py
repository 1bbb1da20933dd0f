# ruff: noqa
# Data flow rewritten from zhukuixi/AshenOne .../chapter_04/03_train_test_eval_correct.py (not copied).
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

features, labels = make_classification(
    n_samples=1000, n_features=20, n_informative=15, n_redundant=5, random_state=7
)
f_train, f_test, l_train, l_test = train_test_split(features, labels, test_size=0.33, random_state=1)
mm = MinMaxScaler()
mm.fit(f_train)
f_train = mm.transform(f_train)
f_test = mm.transform(f_test)
lr = LogisticRegression()
lr.fit(f_train, l_train)
print(accuracy_score(l_test, lr.predict(f_test)))
