# ruff: noqa
# Data flow rewritten from BarraHarrison/ML-Algorithms-Revision supervised_learning/naive_bayes_classifier.py (not copied).
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline

sms = pd.read_csv("sms.tsv", sep="\t", header=None, names=["label", "message"])
sms["label"] = sms["label"].map({"ham": 0, "spam": 1})
X_train, X_test, y_train, y_test = train_test_split(
    sms["message"], sms["label"], test_size=0.2, random_state=42, stratify=sms["label"]
)
model = Pipeline(
    [
        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), stop_words="english", min_df=3)),
        ("nb", MultinomialNB(alpha=0.5)),
    ]
)
print(cross_val_score(model, X_train, y_train, cv=5).mean())
model.fit(X_train, y_train)
print(model.score(X_test, y_test))
