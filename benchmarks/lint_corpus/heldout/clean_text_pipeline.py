# ruff: noqa
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline

news = pd.read_csv("news.csv")
news["text"] = news["title"].fillna("") + " " + news["body"].fillna("")
train_df, test_df = train_test_split(news, test_size=0.2, random_state=99, stratify=news["category"])
clf = make_pipeline(TfidfVectorizer(sublinear_tf=True, min_df=3), SGDClassifier(random_state=99))
print(cross_val_score(clf, train_df["text"], train_df["category"], cv=5).mean())
clf.fit(train_df["text"], train_df["category"])
print("test", clf.score(test_df["text"], test_df["category"]))
