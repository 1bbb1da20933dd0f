# ruff: noqa
import torch
from torch import nn

torch.manual_seed(0)
X_train = torch.load("x_train.pt", weights_only=True)
y_train = torch.load("y_train.pt", weights_only=True)
X_val = torch.load("x_val.pt", weights_only=True)
y_val = torch.load("y_val.pt", weights_only=True)

model = nn.Sequential(nn.Linear(30, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 5))
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(30):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 128):
        idx = perm[i:i + 128]
        opt.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx].float())  # leak: TG403
        loss.backward()
        opt.step()
    with torch.no_grad():
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()  # leak: TG412
    print(epoch, val_acc)
