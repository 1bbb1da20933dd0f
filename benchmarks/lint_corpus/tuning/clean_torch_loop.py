# ruff: noqa
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
X = torch.randn(1000, 12)
y = (X[:, 0] > 0).float()
train_dl = DataLoader(TensorDataset(X[:800], y[:800]), batch_size=32, shuffle=True)
val_dl = DataLoader(TensorDataset(X[800:], y[800:]), batch_size=256)
model = nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 1))
loss_fn = nn.BCEWithLogitsLoss()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)


def evaluate(net, loader):
    net.eval()
    total = 0.0
    with torch.no_grad():
        for xb, yb in loader:
            total += loss_fn(net(xb).squeeze(1), yb).item() * len(xb)
    return total / len(loader.dataset)


for epoch in range(20):
    model.train()
    running = 0.0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = loss_fn(model(xb).squeeze(1), yb)
        loss.backward()
        opt.step()
        running += loss.item()
    print(epoch, running / len(train_dl), evaluate(model, val_dl))
