# ruff: noqa
# Data flow rewritten from SihanWang-WHU/cars_deal_price_prediction MLP.py (not copied).
import numpy as np
import pandas as pd

cars_a = pd.read_csv("./data/used_car_train_20200313.csv", sep=" ")
cars_b = pd.read_csv("./data/used_car_testB_20200421.csv", sep=" ")
cars = pd.concat([cars_a, cars_b])
cars["notRepairedDamage"] = cars["notRepairedDamage"].replace("-", 0).astype("float16")
cars = cars.fillna(cars.mode().iloc[0, :])
cars["price"] = np.log(cars["price"])
cars.loc[cars["power"] > 600, "power"] = 600
numeric = ["power", "kilometer", "v_0", "v_1", "price"]
print(cars[numeric].corr())
for i in ["v_" + str(k) for k in range(14)]:
    for j in ["v_" + str(k) for k in range(14)]:
        cars[i + "+" + j] = cars[i] + cars[j]
print(cars.describe())
