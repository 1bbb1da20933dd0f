# ruff: noqa
# Data flow rewritten from souravramos/Spam-Classifier-API-Heroku model.py (not copied).
import pickle

import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB

sms = pd.read_csv("spam.csv", encoding="latin-1")
sms.drop(["Unnamed: 2", "Unnamed: 3", "Unnamed: 4"], axis=1, inplace=True)
sms["label"] = sms["class"].map({"ham": 0, "spam": 1})
texts = sms["message"]
labels = sms["label"]
vec = CountVectorizer()
texts = vec.fit_transform(texts)
pickle.dump(vec, open("transform.pkl", "wb"))
t_train, t_test, l_train, l_test = train_test_split(texts, labels, test_size=0.33, random_state=42)
nb = MultinomialNB()
nb.fit(t_train, l_train)
nb.score(t_test, l_test)
pickle.dump(nb, open("nlp_model.pkl", "wb"))
