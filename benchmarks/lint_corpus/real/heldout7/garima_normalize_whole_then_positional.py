# ruff: noqa
# Data flow rewritten from Garima09-work/myFirstRepoinAgenticSystems
# python-loops-assignment/python-functions-assignment/python-data-assignment/python-files-assignment/
# python-data-assignment2/dataset_preparation.py (not copied).
import numpy as np

np.random.seed(42)
data = np.random.randint(0, 100, (100, 2))
mean = data.mean(axis=0)
std = data.std(axis=0)
normalized = (data - mean) / std
split_index = int(0.8 * len(normalized))
train = normalized[:split_index]
test = normalized[split_index:]
print("train shape:", train.shape)
print("test shape:", test.shape)
