# ruff: noqa
# Data flow rewritten from ey-l/Bottom-up-Standardization-for-Data-Preparation .../getting-started-with-nlp-feature-vectors.py (not copied).
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

train = pd.read_csv("input/nlp-getting-started/train.csv")
test = pd.read_csv("input/nlp-getting-started/test.csv")
train.head()
examples = ["The weather is sunny", "The weather is partly sunny and partly cloudy."]
vec = CountVectorizer()
