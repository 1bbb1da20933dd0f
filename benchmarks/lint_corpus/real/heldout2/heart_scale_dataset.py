# ruff: noqa
# Data flow rewritten from omar-steam/Ensemble-Heart-Disease-Prediction-Model src/preprocessing.py (not copied); df is read earlier.
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

data = pd.get_dummies(df, columns=["sex", "cp", "fbs", "restecg", "exang", "slope", "ca", "thal"])
sc = StandardScaler()
numeric = ["age", "trestbps", "chol", "thalach", "oldpeak"]
data[numeric] = sc.fit_transform(data[numeric])
data.head()
y = data["target"]
X = data.drop("target", axis=1)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
