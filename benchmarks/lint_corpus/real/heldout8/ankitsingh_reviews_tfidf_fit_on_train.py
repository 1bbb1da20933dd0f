# ruff: noqa
# Data flow rewritten from Ankitsingh1998/ML-DL-AI_internship Day053_TfidfVectorizer.py (not copied).
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, roc_auc_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("Balanced_reviews.csv")
df.dropna(inplace=True)
df = df[df["overall"] != 3]
df["positivity"] = np.where(df["overall"] > 3, 1, 0)
features = df["reviewText"]
labels = df["positivity"]
features_train, features_test, labels_train, labels_test = train_test_split(features, labels, random_state=42)
vect = TfidfVectorizer(min_df=5).fit(features_train)
features_train_vectorized = vect.transform(features_train)
lgr = LogisticRegression(max_iter=10000)
lgr.fit(features_train_vectorized, labels_train)
predictions = lgr.predict(vect.transform(features_test))
lgr_cm_score = confusion_matrix(labels_test, predictions)
lgr_roc_score = roc_auc_score(labels_test, predictions)
