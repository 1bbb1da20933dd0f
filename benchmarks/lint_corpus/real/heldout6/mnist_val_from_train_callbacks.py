# ruff: noqa
# Data flow rewritten from sammyne/Deep-Learning-with-Python-2ed-cn chapter07/src/20.py (not copied).
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.datasets import mnist


def get_mnist_model():
    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation="relu")(inputs)
    features = layers.Dropout(0.5)(features)
    outputs = layers.Dense(10, activation="softmax")(features)
    return keras.Model(inputs, outputs)


(images, labels), (test_images, test_labels) = mnist.load_data()
images = images.reshape((60000, 28 * 28)).astype("float32") / 255
test_images = test_images.reshape((10000, 28 * 28)).astype("float32") / 255
train_images, val_images = images[10000:], images[:10000]
train_labels, val_labels = labels[10000:], labels[:10000]

callbacks_list = [
    keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2),
    keras.callbacks.ModelCheckpoint(
        filepath="data/checkpoint_path.keras", monitor="val_loss", save_best_only=True
    ),
]
model = get_mnist_model()
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(
    train_images, train_labels, epochs=10, callbacks=callbacks_list, validation_data=(val_images, val_labels)
)
test_metrics = model.evaluate(test_images, test_labels)
