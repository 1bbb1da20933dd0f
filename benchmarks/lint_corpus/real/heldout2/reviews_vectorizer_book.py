# ruff: noqa
# Data flow rewritten from pythondatabook/sources ch3/sentiment.py (not copied).
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

frame = pd.read_csv(
    "sentiment labelled sentences/amazon_cells_labelled.txt", names=["review", "sentiment"], sep="\t"
)
reviews, sentiments = frame["review"].values, frame["sentiment"].values
r_train, r_test, s_train, s_test = train_test_split(reviews, sentiments, test_size=0.2, random_state=500)
vectorizer = CountVectorizer()
vectorizer.fit(reviews)
clf = LogisticRegression()
clf.fit(vectorizer.transform(r_train), s_train)
print("Accuracy:", clf.score(vectorizer.transform(r_test), s_test))
print(clf.predict(vectorizer.transform(["Clear and concise", "useless"])))
