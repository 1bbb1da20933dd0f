# ruff: noqa
# Data flow rewritten from ey-l/Bottom-up-Standardization-for-Data-Preparation .../spaceship-titanic/meetnagadia/titanic-random-forest-score-0-79471.py (not copied).
import pandas as pd
from sklearn.impute import SimpleImputer

ship_train = pd.read_csv("input/spaceship-titanic/train.csv")
ship_test = pd.read_csv("input/spaceship-titanic/test.csv")
ship_train.isnull().sum()
ship_test.isnull().sum()
spend = ["Age", "FoodCourt", "ShoppingMall", "Spa", "VRDeck", "RoomService"]
imp = SimpleImputer(strategy="median")
