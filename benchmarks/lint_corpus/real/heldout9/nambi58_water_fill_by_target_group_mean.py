# ruff: noqa
# Data flow rewritten from nambi58/Water-potability-prediction model.py (not copied).

# In[5]:


import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import StandardScaler
import pickle
wq = pd.read_csv("water_potability.csv")
wq["ph"] = wq["ph"].fillna(wq.groupby(["Potability"])["ph"].transform("mean"))
wq["Sulfate"] = wq["Sulfate"].fillna(wq.groupby(["Potability"])["Sulfate"].transform("mean"))
wq["Trihalomethanes"] = wq["Trihalomethanes"].fillna(wq.groupby(["Potability"])["Trihalomethanes"].transform("mean"))
X = wq.drop("Potability", axis=1)
y = wq["Potability"]
ss = StandardScaler()
X = ss.fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
forest = RandomForestClassifier(random_state=42)
forest.fit(X_train, y_train)
pickle.dump(forest, open("model.pkl", "wb"))
model = pickle.load(open("model.pkl", "rb"))
