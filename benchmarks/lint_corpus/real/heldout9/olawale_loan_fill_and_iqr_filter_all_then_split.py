# ruff: noqa
# Data flow rewritten from olawale001/loan_approval_predictions loan_predict.py (not copied; plots shortened).
import pandas as pd
import plotly.express as px
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


loan_df = pd.read_csv("loan_prediction.csv")
print(loan_df.head())
print(loan_df.columns)
print(loan_df.describe())


loan_df["Gender"].fillna(loan_df["Gender"].mode()[0], inplace=True)
loan_df["Married"].fillna(loan_df["Married"].mode()[0], inplace=True)
loan_df["Dependents"].fillna(loan_df["Dependents"].mode()[0], inplace=True)
loan_df["Self_Employed"].fillna(loan_df["Self_Employed"].mode()[0], inplace=True)
loan_df["LoanAmount"].fillna(loan_df["LoanAmount"].median(), inplace=True)
loan_df["Loan_Amount_Term"].fillna(loan_df["Loan_Amount_Term"].mode()[0], inplace=True)
loan_df["Credit_History"].fillna(loan_df["Credit_History"].mode()[0], inplace=True)


counts = loan_df["Loan_Status"].value_counts()
fig = px.pie(counts, names=counts.index, title="Loan Approval Status")
fig.show()

fig_income = px.histogram(loan_df, x="ApplicantIncome", title="Applicant Income Distribution")
fig_income.show()

q1 = loan_df["ApplicantIncome"].quantile(0.25)
q3 = loan_df["ApplicantIncome"].quantile(0.75)
iqr = q3 - q1
low = q1 - 1.5 * iqr
high = q3 + 1.5 * iqr
loan_df = loan_df[(loan_df["ApplicantIncome"] >= low) & (loan_df["ApplicantIncome"] <= high)]


q1 = loan_df["CoapplicantIncome"].quantile(0.25)
q3 = loan_df["CoapplicantIncome"].quantile(0.75)
iqr = q3 - q1
low = q1 - 1.5 * iqr
high = q3 + 1.5 * iqr
loan_df = loan_df[(loan_df["CoapplicantIncome"] >= low) & (loan_df["CoapplicantIncome"] <= high)]


categorical = ["Gender", "Married", "Dependents", "Education", "Self_Employed", "Property_Area"]
loan_df = pd.get_dummies(loan_df, columns=categorical)



X = loan_df.drop("Loan_Status", axis=1)
y = loan_df["Loan_Status"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)



sc = StandardScaler()
numeric = ["ApplicantIncome", "CoapplicantIncome", "LoanAmount", "Loan_Amount_Term", "Credit_History"]
X = loan_df.drop(["Loan_ID", "Loan_Status"], axis=1)

X_train[numeric] = sc.fit_transform(X_train[numeric])
X_test[numeric] = sc.transform(X_test[numeric])
print(X_train.head())
print(X_test.head())


svc = SVC(random_state=42)
svc.fit(X_train, y_train)

y_pred = svc.predict(X_test)
print(y_pred)

out = pd.DataFrame(X_test, columns=X_test.columns)
out["Loan_Status_Predicted"] = y_pred
print(out.head())
