# ruff: noqa
# Data flow rewritten from nortonlyr/python_practices MachineLearning_EX/EX_001.py (not copied).
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.model_selection import train_test_split

data = pd.read_csv("twitter_sentiments.csv")
train, test = train_test_split(data, test_size=0.2, stratify=data["label"], random_state=21)

tfidf_vectorizer = TfidfVectorizer(lowercase=True, max_features=1000, stop_words=ENGLISH_STOP_WORDS)
tfidf_vectorizer.fit(train.tweet)
