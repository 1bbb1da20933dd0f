# ruff: noqa
# Data flow rewritten from Btaykb/regression-models-project models/poly_reg_model.py (not copied).
from sklearn.compose import ColumnTransformer
from sklearn.datasets import fetch_california_housing
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

housing = fetch_california_housing(as_frame=True)
X, y = housing.data, housing.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
prep = ColumnTransformer(transformers=[("num", StandardScaler(), X.columns)])
pipe = Pipeline(
    steps=[
        ("prep", prep),
        ("poly", PolynomialFeatures(degree=2, include_bias=False)),
        ("reg", Ridge(alpha=0.01)),
    ]
)
pipe.fit(X_train, y_train)
print(r2_score(y_test, pipe.predict(X_test)))
