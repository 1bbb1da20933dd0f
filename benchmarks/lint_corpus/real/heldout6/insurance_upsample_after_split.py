# ruff: noqa
# Data flow rewritten from mishacausur/tobear machine/first_t/les_1_conc_target.py (not copied).
import pandas as pd
from sklearn.model_selection import train_test_split

data = pd.read_csv("travel_insurance_preprocessed.csv")
target = data["Claim"]
features = data.drop("Claim", axis=1)
features_train, features_valid, target_train, target_valid = train_test_split(
    features, target, test_size=0.25, random_state=12345
)

features_zeros = features_train[target_train == 0]
features_ones = features_train[target_train == 1]
target_zeros = target_train[target_train == 0]
target_ones = target_train[target_train == 1]

repeat = 10
features_upsampled = pd.concat([features_zeros] + [features_ones] * repeat)
target_upsampled = pd.concat([target_zeros] + [target_ones] * repeat)

print(features_upsampled.shape)
print(target_upsampled.shape)
