# ruff: noqa
# Data flow rewritten from introduction-to-python-for-medical/ps9-machine-learning-shira1-code main.py (not copied); df comes from earlier code.
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MinMaxScaler

inputs = ["DFA", "PPE"]
df = df.dropna()
X = df[inputs]
y = df["status"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)
mm = MinMaxScaler()
X_scaled = mm.fit_transform(X)
knn = KNeighborsClassifier(n_neighbors=3)
knn.fit(X_train, y_train)
accuracy_score(y_test, knn.predict(X_test))
