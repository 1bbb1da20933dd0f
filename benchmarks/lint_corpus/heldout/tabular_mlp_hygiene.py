# ruff: noqa
import numpy as np
import torch
from torch import nn

X = torch.tensor(np.load("X.npy"), dtype=torch.float32)
y = torch.tensor(np.load("y.npy"), dtype=torch.long)
model = nn.Sequential(nn.Linear(X.shape[1], 64), nn.ReLU(), nn.Linear(64, 3), nn.Softmax(dim=1))
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.Adam(model.parameters())
losses = []
for epoch in range(100):
    idx = torch.randperm(len(X))[:128]
    opt.zero_grad()
    loss = loss_fn(model(X[idx]), y[idx])  # leak: TG401
    loss.backward()  # leak: TG503
    opt.step()
    losses.append(loss)  # leak: TG413
