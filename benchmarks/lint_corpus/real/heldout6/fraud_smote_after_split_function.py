# ruff: noqa
# Data flow rewritten from dnm0328/Team_Fraud_Detection src/model.py (not copied).
import pandas as pd
from imblearn.over_sampling import SMOTE
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

final_df = pd.read_csv("fraud_features.csv")


def Random_Forrest_Classifier(df):
    y = final_df["fraud"]
    X = final_df.drop(columns=["fraud"])
    os = SMOTE(random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    X_train, y_train = os.fit_resample(X_train, y_train)
    rf = RandomForestClassifier()
    rf.fit(X_train, y_train)
    y_pred = rf.predict(X_test)
    score = rf.score(X_test, y_test)
    return score


print(Random_Forrest_Classifier(final_df))
