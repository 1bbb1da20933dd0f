# ruff: noqa
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

reviews = pd.read_csv("imdb.csv")
vec = TfidfVectorizer(min_df=5, ngram_range=(1, 2))
X = vec.fit_transform(reviews["review"])  # leak: TG101
y = (reviews["sentiment"] == "positive").astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=17)
clf = LogisticRegression(C=4, max_iter=1000).fit(X_train, y_train)
print(clf.score(X_test, y_test))
