# ruff: noqa
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

df = pd.read_csv("diabetes.csv")
X = torch.tensor(df.drop(columns=["Outcome"]).values, dtype=torch.float32)
y = torch.tensor(df["Outcome"].values, dtype=torch.float32).unsqueeze(1)
loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True)


class Classifier(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1 = nn.Linear(d, 32)
        self.fc2 = nn.Linear(32, 1)
        self.act = nn.Sigmoid()

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        return self.act(self.fc2(x))


net = Classifier(X.shape[1])
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
for epoch in range(50):
    epoch_loss = 0
    for xb, yb in loader:
        out = net(xb)
        loss = criterion(out, yb)  # leak: TG401
        loss.backward()  # leak: TG503
        optimizer.step()  # leak: TG411
        epoch_loss += loss  # leak: TG413
    print(epoch, epoch_loss / len(loader))
