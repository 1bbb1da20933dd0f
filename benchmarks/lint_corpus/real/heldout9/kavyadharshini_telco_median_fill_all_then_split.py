# ruff: noqa
# Data flow rewritten from k-kavyadharshini/k-kavyadharshini README.md (the Python block; not copied).
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, accuracy_score

churn = pd.read_csv("telco_churn.csv")

churn.drop("customerID", axis=1, inplace=True)

# binary text columns label-encoded, the others one-hot encoded
for col in churn.select_dtypes(include=["object"]).columns:
    if churn[col].nunique() == 2:
        churn[col] = LabelEncoder().fit_transform(churn[col])
    else:
        churn = pd.get_dummies(churn, columns=[col], drop_first=True)

churn["TotalCharges"] = pd.to_numeric(churn["TotalCharges"], errors="coerce")
churn["TotalCharges"].fillna(churn["TotalCharges"].median(), inplace=True)

X = churn.drop("Churn", axis=1)
y = churn["Churn"]

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

ss = StandardScaler()
X_train = ss.fit_transform(X_train)
X_test = ss.transform(X_test)

lr = LogisticRegression()
lr.fit(X_train, y_train)

preds = lr.predict(X_test)

print("Accuracy:", accuracy_score(y_test, preds))
print(classification_report(y_test, preds))
