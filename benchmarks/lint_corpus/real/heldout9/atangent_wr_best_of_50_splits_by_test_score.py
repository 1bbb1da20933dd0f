# ruff: noqa
# Data flow rewritten from atangent/fantasy_sport src/wr_train.py (not copied; the source's own bugs are kept).
import pandas as pd
import numpy as np
from sklearn import datasets, linear_model
from sklearn.model_selection import train_test_split
from matplotlib import pyplot as plt
import sklearn
from sklearn.utils import shuffle
import pickle
from matplotlib import style
"""
Fantasy points: receptions, receiving yards and touchdowns, fumbles (scoring notes trimmed)
"""
receivers = pd.read_csv("../data/frames/receivers.csv", sep=",")
# keep the inputs
receivers = receivers[["Age_x", "G_x", "Gs_x", "Tgt_x", "Rec_x", "Ctch%_x", "Yds_x", "Y/R_x", "TD_x", "1D_x",
                       "Lng_x", "Y/Tgt_x", "R/G_x", "Y/G_x", "Fmb_x", "FanPt_x", "FanPosRank_x", "FanOvRank_x"]]
target_col = "FanPt_y"
# features
feats = np.array(receivers[drop([target_col], 1)])
# label
label = np.array(receivers[target_col])
f_train, f_test, l_train, l_test = sklearn.model_selection.train_test_split(feats, label, test_size=0.2)

# many splits, keep the best model
top = 0
for _ in range(50):
    f_train, f_test, l_train, l_test = sklearn.model_selection.train_test_split(feats, label, test_size=0.2)
    reg = linear_model.LinearRegression()
    reg.fit(f_train, l_train)
    r2 = reg.score(f_test, l_test)
    print("Accuracy of model: " + str(r2))
    if r2 > top:
        top = r2
        with open("../data/pickle/receivers.pickle", "wb") as fh:
            pickle.dump(reg, fh)

pickle_in = open("../data/pickle/receivers.pickle", "rb")
reg = pickle.load(pickle_in)

print("Coefficient: ", reg.coef_)
print("Intercept: ", reg.intercept_)

preds = reg.predict(f_test)
for i in range(len(preds)):
    print(preds[i], f_test[i], l_test[i])

col = "failures"
plt.scatter(receivers[col], receivers["G3"])
plt.legend(loc=4)
plt.xlabel(col)
plt.ylabel("Fantasy points")
plt.show()
