# ruff: noqa
# Data flow rewritten from mpbron/allib allib/balancing/randomoversampling.py (not copied).
import imblearn

from .base import BaseBalancer


class RandomOverSampler(BaseBalancer):
    name = "RandomOverSampler"

    def __init__(self, random_state=0):
        super().__init__()
        self.sampler = imblearn.over_sampling.RandomOverSampler(random_state=random_state)

    def resample(self, x_data, y_data):
        x_res, y_res = self.sampler.fit_resample(x_data, y_data)
        return x_res, y_res
