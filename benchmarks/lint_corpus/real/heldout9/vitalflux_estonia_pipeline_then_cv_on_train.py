# ruff: noqa
# Data flow rewritten from aorursy/KT_dataset_py vitalflux_k-fold-cross-validation-example.py (not copied).

# In[ ]:


import numpy as np # linear algebra
import pandas as pd # data processing, CSV file I/O (e.g. pd.read_csv)

import os
for dirname, _, filenames in os.walk("/kaggle/input"):
    for filename in filenames:
        print(os.path.join(dirname, filename))


# In[ ]:


ferry = pd.read_csv("/kaggle/input/passenger-list-for-the-estonia-ferry-disaster/estonia-passenger-list.csv")
ferry.head()


# In[ ]:


from sklearn.preprocessing import LabelEncoder
lab = LabelEncoder()
ferry["Sex"] = lab.fit_transform(ferry.Sex)
ferry.Category = lab.fit_transform(ferry.Category)
ferry = ferry[["Sex", "Age", "Category", "Survived"]]
ferry.head()


# In[ ]:


from sklearn.model_selection import train_test_split

Xtr, Xte, ytr, yte = train_test_split(ferry.iloc[:, :-1], ferry.iloc[:, -1],
                                      test_size=0.2, random_state=1)
Xtr.shape, Xte.shape, ytr.shape, yte.shape


# In[ ]:


from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.ensemble import RandomForestClassifier

pipe = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=100, max_depth=4))
pipe.fit(Xtr, ytr)
print("Model Accuracy: %.2f" % pipe.score(Xte, yte))
print("Model Accuracy: %.2f" % pipe.score(Xtr, ytr))


# In[ ]:


from sklearn.model_selection import cross_val_score

cv_scores = cross_val_score(pipe, X=Xtr, y=ytr, cv=10, n_jobs=1)
print("CV accuracy scores: %s" % cv_scores)
print("CV accuracy: %.3f +/- %.3f" % (np.mean(cv_scores), np.std(cv_scores)))


# In[ ]:


from sklearn.model_selection import StratifiedKFold

folds = StratifiedKFold(n_splits=10).split(Xtr, ytr)
cv_scores = []
for k, (tr, te) in enumerate(folds):
    print(k, tr, te)
