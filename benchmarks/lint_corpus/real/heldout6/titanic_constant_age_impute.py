# ruff: noqa
# Data flow rewritten from Rajnish-TheGreat/mlops_code titanic.py (not copied); the source never defines y,
# it is taken as the Survived column.
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import train_test_split

dataset = pd.read_csv("titanic_train.csv")
y = dataset["Survived"]


def lw(cols):
    age = cols[0]
    Pclass = cols[1]
    if pd.isnull(age):
        if Pclass == 1:
            return 38
        elif Pclass == 2:
            return 30
        elif Pclass == 3:
            return 25
        else:
            return 30
    else:
        return age


dataset["Age"] = dataset[["Age", "Pclass"]].apply(lw, axis=1)
dataset.drop("Cabin", axis=1, inplace=True)
age = dataset["Age"]
sex = pd.get_dummies(dataset["Sex"], drop_first=True)
pclass = pd.get_dummies(dataset["Pclass"], drop_first=True)
sibsp = pd.get_dummies(dataset["SibSp"], drop_first=True)
parch = pd.get_dummies(dataset["Parch"], drop_first=True)
embarked = pd.get_dummies(dataset["Embarked"], drop_first=True)
X = pd.concat([age, embarked, parch, sibsp, pclass, sex], axis=1)

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.30, random_state=42)
model = LogisticRegression()
model.fit(X_train, y_train)
y_pred = model.predict(X_test)
confusion_matrix(y_test, y_pred)
print(classification_report(y_test, y_pred))
