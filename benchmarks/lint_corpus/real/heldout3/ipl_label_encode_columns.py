# ruff: noqa
# Data flow rewritten from meadsage/IPL-Score-Predictor preprocessing.py (not copied); X and y come from earlier code.
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, MinMaxScaler

encoders = {}
for col in X.select_dtypes(include=["object"]):
    encoders[col] = LabelEncoder()
    X[col] = encoders[col].fit_transform(X[col])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
mm = MinMaxScaler()
X_train_mm = mm.fit_transform(X_train)
X_test_mm = mm.transform(X_test)
