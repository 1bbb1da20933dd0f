# ruff: noqa
# Data flow rewritten from 01binary/machine-learning datacamp/callbacks/multiple-callbacks.py (not copied);
# the exercise's pre-loaded banknote split and model are spelled out.
import pandas as pd
from sklearn.model_selection import train_test_split
from tensorflow.keras.callbacks import EarlyStopping, ModelCheckpoint
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential

banknotes = pd.read_csv("banknotes.csv")
X = banknotes.drop(columns=["class"])
y = banknotes["class"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)

model = Sequential()
model.add(Dense(1, input_shape=(4,), activation="sigmoid"))
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])

monitor_val_acc = EarlyStopping(monitor="val_accuracy", patience=3)
model_checkpoint = ModelCheckpoint("best_banknote_model.hdf5", save_best_only=True)
h_callback = model.fit(
    X_train,
    y_train,
    epochs=1000000000000,
    callbacks=[monitor_val_acc, model_checkpoint],
    validation_data=(X_test, y_test),
)
