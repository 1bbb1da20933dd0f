# ruff: noqa
# Data flow rewritten from bejoyalduse/Python_ML TitanicData.py (not copied); the source does not parse, kept so.
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

passengers = pd.read_csv("../titanic/train.csv")
holdout = pd.read_csv("../titanic/test.csv')
passengers.head()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=5)
lr = LogisticRegression(max_iter=500000)
lr.fit(X_train, y_train)
print(lr.score(X_test, y_test))
