# ruff: noqa
# Data flow rewritten from vishalkoc2016/Hacktoberfest-2022 Restaurant_Review_System/NLP.py (not copied).
import re

import nltk
import pandas as pd
from nltk.corpus import stopwords
from nltk.stem.porter import PorterStemmer

dataset = pd.read_csv("Restaurant_Reviews.tsv", delimiter="\t", quoting=3)
nltk.download("stopwords")
corpus = []
for _ in range(0, 1000):
    review = re.sub("[^a-zA-Z]", " ", dataset["Review"][_])
    review = review.lower().split()
    ps = PorterStemmer()
    all_stopwords = stopwords.words("english")
    all_stopwords.remove("not")
    review = [ps.stem(word) for word in review if not word in set(all_stopwords)]
    corpus.append(" ".join(review))

from sklearn.feature_extraction.text import CountVectorizer

cv = CountVectorizer(max_features=600)
X = cv.fit_transform(corpus).toarray()
y = dataset.iloc[:, -1].values

from sklearn.model_selection import train_test_split

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

from sklearn.naive_bayes import GaussianNB

classifier = GaussianNB()
classifier.fit(X_train, y_train)
y_pred = classifier.predict(X_test)
from sklearn.metrics import confusion_matrix

cm = confusion_matrix(y_test, y_pred)
