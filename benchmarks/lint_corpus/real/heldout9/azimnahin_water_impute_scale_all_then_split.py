# ruff: noqa
# Data flow rewritten from AzimNahin/Water-Potability-Prediction RandomForest.py (not copied).
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler

samples = pd.read_csv("water_potability.csv")

samples.drop_duplicates(inplace=True)

samples.dropna(subset=["Potability"], inplace=True)

# (feature selection by correlation with the target was commented out in the source)
#corr = samples.corr()["Potability"].abs().sort_values(ascending=False)
#top = corr[1:6].index.tolist()
#samples = samples[top + ["Potability"]]

print(samples.head())

X = samples.drop(columns="Potability")
y = samples["Potability"]

imp = SimpleImputer(strategy="mean")
X_imp = imp.fit_transform(X)

sc = StandardScaler()
X_sc = sc.fit_transform(X_imp)

X_train, X_test, y_train, y_test = train_test_split(X_sc, y, test_size=0.20, random_state=83)

model = RandomForestClassifier(random_state=83)

model.fit(X_train, y_train)

y_pred = model.predict(X_test)

acc = accuracy_score(y_test, y_pred)

print(f"Accuracy of Random Forest model: {acc:.2f}")
