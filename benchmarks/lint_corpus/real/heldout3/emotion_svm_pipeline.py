# ruff: noqa
# Data flow rewritten from HOWZZY2000/ML_classfication_emotion_detection SVM.py (not copied).
from Feature_selection import *
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

prep = Preprocessor()
prep.missing_value_handling()
X_train, X_test, Y_train, Y_test = train_test_split(prep.df.iloc[:, 1:], prep.df.iloc[:, 0], test_size=0.4)
clf = make_pipeline(StandardScaler(), SVC(gamma="auto"))
clf.fit(X_train, Y_train)
print(clf.score(X_test, Y_test))
