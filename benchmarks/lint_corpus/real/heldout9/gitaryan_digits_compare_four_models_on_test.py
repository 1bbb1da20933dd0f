# ruff: noqa
# Data flow rewritten from gitAryan93/ai-python-project-lab pythonml_compare_models.py (not copied).

from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.metrics import accuracy_score
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC

digits = datasets.load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.2, random_state=42
)

candidates = {
    "Logistic Regression": LogisticRegression(max_iter=2000),
    "Random Forest": RandomForestClassifier(),
    "KNN": KNeighborsClassifier(),
    "SVC": SVC(),
}

# run and compare
for name, est in candidates.items():
    est.fit(X_train, y_train)
    y_hat = est.predict(X_test)
    acc = accuracy_score(y_test, y_hat)
    print(f"{name}: {acc*100:.2f}% accuracy")
