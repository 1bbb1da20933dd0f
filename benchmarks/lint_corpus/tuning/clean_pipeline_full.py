# ruff: noqa
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

df = pd.read_csv("bank_marketing.csv")
y = (df.pop("y") == "yes").astype(int)
num_cols = df.select_dtypes("number").columns.tolist()
cat_cols = df.select_dtypes("object").columns.tolist()
pre = make_column_transformer(
    (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num_cols),
    (OneHotEncoder(handle_unknown="ignore"), cat_cols),
)
pipe = make_pipeline(pre, HistGradientBoostingClassifier(random_state=0))
X_train, X_test, y_train, y_test = train_test_split(df, y, stratify=y, test_size=0.2, random_state=0)
print(cross_val_score(pipe, X_train, y_train, cv=5, scoring="roc_auc").mean())
grid = GridSearchCV(pipe, {"histgradientboostingclassifier__learning_rate": [0.03, 0.1]}, cv=5)
grid.fit(X_train, y_train)
print("test", grid.score(X_test, y_test))
