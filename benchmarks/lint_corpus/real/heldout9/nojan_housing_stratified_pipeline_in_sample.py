# ruff: noqa
# Data flow rewritten from Nojan-Devkota/California_Housing_Prediction main.py (not copied).
import pandas as pd
import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler, OneHotEncoder
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.ensemble import RandomForestRegressor
from sklearn.tree import DecisionTreeRegressor

# 1. load
df = pd.read_csv("Cali_housing_predict/housing.csv")

# 2. income bands so every band reaches both parts
df["income_cat"] = pd.cut(
    df["median_income"],
    bins=[0.0, 1.5, 3.0, 4.5, 6.0, np.inf],
    labels=[1, 2, 3, 4, 5],
)

sss = StratifiedShuffleSplit(n_splits=1, test_size=.2, random_state=42)
for tr_idx, te_idx in sss.split(df, df["income_cat"]):
    train_set = df.loc[tr_idx].drop("income_cat", axis=1)
    test_set = df.loc[te_idx].drop("income_cat", axis=1)

# 3. work on a copy of the training part
df = train_set.copy()

labels = df["median_house_value"].copy()
feats = df.drop("median_house_value", axis=1).copy()

# 4. column lists
nums = feats.drop("ocean_proximity", axis=1).columns.tolist()
cats = ["ocean_proximity"]

# 5. pipelines
num_pipe = Pipeline([
    ("imputer", SimpleImputer(strategy="median")),
    ("scaler", StandardScaler()),
])

cat_pipe = Pipeline([
    ("one_hot", OneHotEncoder(handle_unknown="ignore")),
])

full = ColumnTransformer([
    ("num", num_pipe, nums),
    ("cat", cat_pipe, cats),
])

# 6. transform
prepared = full.fit_transform(feats)
prepared = pd.DataFrame(
    prepared,
    columns=full.get_feature_names_out(),
    index=feats.index,
)

# 7. models
lin = LinearRegression()
lin.fit(prepared, labels)
lin_pred = lin.predict(prepared)
tree = DecisionTreeRegressor()
tree.fit(prepared, labels)
tree_pred = tree.predict(prepared)
forest = RandomForestRegressor()
forest.fit(prepared, labels)
forest_pred = forest.predict(prepared)
