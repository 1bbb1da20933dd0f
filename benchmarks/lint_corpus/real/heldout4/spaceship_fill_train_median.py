# ruff: noqa
# Data flow rewritten from ey-l/Bottom-up-Standardization-for-Data-Preparation .../spaceship-titanic/newlinblessy/spaceship22-titaanic.py (not copied).
import numpy as np
import pandas as pd
from sklearn.preprocessing import LabelEncoder

labelled = pd.read_csv("input/spaceship-titanic/train.csv")
unlabelled = pd.read_csv("input/spaceship-titanic/test.csv")
a = labelled.drop(["Cabin", "Name"], axis=1)
b = unlabelled.drop(["Cabin", "Name"], axis=1)
spend = ["RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck"]
a[spend] = a[spend].fillna(0)
b[spend] = b[spend].fillna(0)
a["VIP"] = a["VIP"].fillna(False)
b["VIP"] = b["VIP"].fillna(False)
a["Age"] = a["Age"].fillna(a["Age"].median())
b["Age"] = b["Age"].fillna(a["Age"].median())
a = a.set_index("PassengerId")
b = b.set_index("PassengerId")
for col in ["HomePlanet", "CryoSleep", "Destination", "VIP"]:
    enc = LabelEncoder()
    values = np.concatenate((a[col], b[col])).astype(str)
    enc.fit(values)
