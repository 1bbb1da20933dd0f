# ruff: noqa
# Data flow rewritten from Rajnish-TheGreat/mlops_code titanic.py (not copied; y is never assigned in the source either).
import pandas as pd
ship = pd.read_csv("titanic_train.csv")
age = ship["Age"]
age.mean()
def fill_age(cols):
    a = cols[0]
    cls = cols[1]
    if pd.isnull(a):
        if cls == 1:
            return 38
        elif cls == 2:
            return 30
        elif cls == 3:
            return 25
        else:
            return 30
    else:
        return a
ship["Age"] = ship[["Age", "Pclass"]].apply(fill_age, axis=1)
ship.drop("Cabin", axis=1, inplace=True)
X = ship[["Pclass", "Sex", "Age", "SibSp", "Parch", "Embarked"]]
sex = ship["Sex"]
sex = pd.get_dummies(sex, drop_first=True)
pclass = ship["Pclass"]
pclass = pd.get_dummies(pclass, drop_first=True)
sibsp = ship["SibSp"]
sibsp = pd.get_dummies(sibsp, drop_first=True)
parch = ship["Parch"]
parch = pd.get_dummies(parch, drop_first=True)
embarked = ship["Embarked"]
embarked = pd.get_dummies(embarked, drop_first=True)
X = pd.concat([age, embarked, parch, sibsp, pclass, sex], axis=1)
from sklearn.model_selection import train_test_split
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.30, random_state=42)
from sklearn.linear_model import LogisticRegression
clf = LogisticRegression()
clf.fit(X_train, y_train)
y_pred = clf.predict(X_test)
y_pred
from sklearn.metrics import confusion_matrix
confusion_matrix(y_test, y_pred)
from sklearn.metrics import classification_report
print(classification_report(y_test, y_pred))
# complete
