# ruff: noqa
# Data flow rewritten from brainee/fama fama5/tree.dtr.py (not copied); the frame loading is spelled out.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn import model_selection
from sklearn.tree import DecisionTreeRegressor

df = pd.read_csv("fama5.csv")
df_X = df.drop(columns=["ret"])
y2 = df["ret"]


def creat_data(X, y):
    return model_selection.train_test_split(X, y, test_size=0.1, random_state=1)


def test_DecisionTreeRegressor_depth(*data, maxdepth):
    X_train, X_test, y_train, y_test = data
    depths = np.arange(1, maxdepth)
    training_scores = []
    testing_scores = []
    for depth in depths:
        regr = DecisionTreeRegressor(max_depth=depth)
        regr.fit(X_train, y_train)
        training_scores.append(regr.score(X_train, y_train))
        testing_scores.append(regr.score(X_test, y_test))
    fig = plt.figure()
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(depths, training_scores, label="traing score")
    ax.plot(depths, testing_scores, label="testing score")
    ax.legend(framealpha=0.5)
    plt.show()


X_train, X_test, y_train, y_test = creat_data(df_X, y2)
test_DecisionTreeRegressor_depth(X_train, X_test, y_train, y_test, maxdepth=12)
