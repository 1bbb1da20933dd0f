# ruff: noqa
# Data flow rewritten from younus4048/Machine-Learning-model task4.py (not copied).
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, classification_report
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB

msgs = pd.read_csv("sms.tsv", sep="\t", header=None, names=["label", "message"])
msgs["label"] = msgs["label"].map({"ham": 0, "spam": 1})
m_train, m_test, y_train, y_test = train_test_split(
    msgs["message"], msgs["label"], test_size=0.2, random_state=42
)
tfidf = TfidfVectorizer(stop_words="english")
v_train = tfidf.fit_transform(m_train)
v_test = tfidf.transform(m_test)
clf = MultinomialNB()
clf.fit(v_train, y_train)
pred = clf.predict(v_test)
print(accuracy_score(y_test, pred), classification_report(y_test, pred))
