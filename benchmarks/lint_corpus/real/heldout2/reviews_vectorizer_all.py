# ruff: noqa
# Data flow rewritten from LuanSFMarques/DataSci_book-exercises exercises/p3_skitlearn.py (not copied).
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

table = pd.read_csv("amazon_cells_labelled.txt", names=["review", "sentiment"], sep="\t")
texts = table["review"].values
labels = table["sentiment"].values
t_train, t_test, l_train, l_test = train_test_split(texts, labels, test_size=0.2, random_state=500)
bow = CountVectorizer()
bow.fit(texts)
X_train = bow.transform(t_train)
X_test = bow.transform(t_test)
lr = LogisticRegression()
lr.fit(X_train, l_train)
print(lr.score(X_test, l_test))
