# ruff: noqa
import pandas as pd
from catboost import CatBoostClassifier
from sklearn.model_selection import train_test_split

df = pd.read_csv("employee_attrition.csv")
y = df["Attrition"].map({"Yes": 1, "No": 0})
X = df.drop(columns=["Attrition", "EmployeeNumber"])
cat_features = X.select_dtypes("object").columns.tolist()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=8)
model = CatBoostClassifier(iterations=3000, learning_rate=0.03, random_seed=8, verbose=0)
model.fit(X_train, y_train, cat_features=cat_features, eval_set=(X_test, y_test),  # leak: TG203
          early_stopping_rounds=200)
print(model.get_best_iteration(), model.score(X_test, y_test))
