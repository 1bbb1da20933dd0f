# ruff: noqa
# Data flow rewritten from li-jiang-yan/wine-ml-random-forest-solver main.py (not copied).
from sklearn import datasets
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier

bunch = datasets.load_wine()
X = bunch.data
y = bunch.target

# standardise
X = StandardScaler().fit(X).transform(X)

X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=1)

model = RandomForestClassifier(random_state=1)
model.fit(X_train, y_train)

# predictions for the held-out wines
y_pred = model.predict(X_test)
