# ruff: noqa
# Data flow rewritten from patrickaudriaz/mini-project preprocessor.py (not copied).
from sklearn import preprocessing
from sklearn.preprocessing import StandardScaler


def encode_labels(labels):
    enc = preprocessing.LabelEncoder()
    enc.fit(labels)
    return enc.transform(labels), enc


def decode_labels(codes, enc):
    return list(enc.inverse_transform(codes))


def scale_train(rows):
    return StandardScaler().fit_transform(rows)


def scale_test(rows):
    return StandardScaler().transform(rows)
