# ruff: noqa
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import TargetEncoder

cars = pd.read_csv("used_cars.csv")
y = cars["price"]
X = cars[["brand", "model", "year", "mileage"]]
pipe = make_pipeline(TargetEncoder(target_type="continuous", random_state=0), Ridge())
print(cross_val_score(pipe, X, y, cv=5, scoring="r2").mean())
