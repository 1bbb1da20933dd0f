# ruff: noqa
# From jbrdge/Recipes Python/Sklearn/ImputeData.py (verbatim; X and y are defined by whoever runs the recipe).
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split

#split_data
X_train, X_valid, y_train, y_valid = train_test_split(X, y, train_size=0.8, test_size=0.2,
                                                      random_state=0)


def impute(X_train,X_valid):
    # Imputation
    my_imputer = SimpleImputer()
    imputed_X_train = pd.DataFrame(my_imputer.fit_transform(X_train))
    imputed_X_valid = pd.DataFrame(my_imputer.transform(X_valid))

    # Imputation removed column names; put them back
    imputed_X_train.columns = X_train.columns
    imputed_X_valid.columns = X_valid.columns

    return (imputed_X_train,imputed_X_valid)
