# ruff: noqa
# Data flow rewritten from gigasamkharadze/DL pipeline.py (not copied).
import pandas as pd
from sklearn.preprocessing import LabelEncoder
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

frame = pd.read_csv("https://archive.ics.uci.edu/ml/machine-learning-databases/breast-cancer-wisconsin/wdbc.data", header=None)

feats = frame.loc[:, 2:].values
diag = frame.loc[:, 1].values
encoder = LabelEncoder()
diag = encoder.fit_transform(diag)

HOLDOUT = .2
SEED = 1
feats_train, feats_test, diag_train, diag_test = train_test_split(feats, diag, test_size=HOLDOUT, stratify=diag, random_state=SEED)

lr_pipe = make_pipeline(StandardScaler(), PCA(n_components=2), LogisticRegression(random_state=1, solver="lbfgs"))
lr_pipe.fit(feats_train, diag_train)
pred = lr_pipe.predict(feats_test)
print("Test Accuracy: %.3f" % lr_pipe.score(feats_test, diag_test))
