# ruff: noqa
# Data flow rewritten from hpmcz/python_mit keras_task.py (not copied); the wine data loading is spelled out.
import pandas as pd
from keras.layers import Dense
from keras.models import Sequential
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

wines = pd.read_csv("wines.csv")
X = wines.iloc[:, 0:11]
Y = wines["type"]

X_train, X_test, y_train, y_test = train_test_split(X, Y, test_size=0.33, random_state=42)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train)
X_test = scaler.transform(X_test)

model = Sequential()
model.add(Dense(12, activation="relu", input_shape=(11,)))
model.add(Dense(8, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=20, batch_size=1, verbose=1)
score = model.evaluate(X_test, y_test, verbose=1)
