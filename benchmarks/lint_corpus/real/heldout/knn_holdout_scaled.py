# ruff: noqa
# Data flow rewritten from Extremesarova/experiments ods_mlcourse_ai/topic3_decision_trees/knn.py (not copied); df and y come from earlier code.
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

X_train, X_holdout, y_train, y_holdout = train_test_split(df.values, y, test_size=0.3, random_state=17)
knn = KNeighborsClassifier(n_neighbors=10)
sc = StandardScaler()
X_train_sc = sc.fit_transform(X_train)
X_holdout_sc = sc.transform(X_holdout)
knn.fit(X_train_sc, y_train)
accuracy_score(y_holdout, knn.predict(X_holdout_sc))
