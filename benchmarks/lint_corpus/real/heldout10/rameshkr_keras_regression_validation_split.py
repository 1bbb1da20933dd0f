# ruff: noqa
# From rameshkrcode/AI-Assisted-Programming-for-Web-and-Machine-Learning Chapter_08/Code/keras_regression_model.py (verbatim; X_train, y_train from the chapter's earlier cell).
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout
from tensorflow.keras.callbacks import EarlyStopping
model = Sequential([
    Dense(64, activation='relu', input_shape=(X_train.shape[1],)),
    Dropout(0.2),
    Dense(64, activation='relu'),
    Dense(1)
])
model.compile(optimizer='adam', loss='mse', metrics=['mae'])
early_stop = EarlyStopping(patience=3, restore_best_weights=True)
model.fit(X_train, y_train, epochs=30, validation_split=0.2, callbacks=[early_stop])
