# ruff: noqa
# Data flow rewritten from aorursy/new-nb-6 psm9619_0-beginning.py (not copied).
import os

import pandas as pd

for folder, _, names in os.walk("/kaggle/input"):
    for name in names:
        print(os.path.join(folder, name))
train = pd.read_csv("/kaggle/input/liverpool-ion-switching/train.csv")
test = pd.read_csv("/kaggle/input/liverpool-ion-switching/test.csv")
submission = pd.read_csv("/kaggle/input/liverpool-ion-switching/sample_submission.csv")
print(train.head(2), test.head(2), submission.head(2))
print(train.shape, test.shape, submission.shape)
