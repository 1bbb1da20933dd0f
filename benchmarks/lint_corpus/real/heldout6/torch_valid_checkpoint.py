# ruff: noqa
# Data flow rewritten from guoliben/transformers_tasks rumen/8/保存jiazai.py (not copied); the tutorial's
# FashionMNIST train/valid loaders and train loop are spelled out.
import torch
from torch import nn
from torch.utils.data import DataLoader, random_split
from torchvision import datasets
from torchvision.transforms import ToTensor

device = "cuda" if torch.cuda.is_available() else "cpu"
training_data = datasets.FashionMNIST(root="data", train=True, download=True, transform=ToTensor())
train_data, valid_data = random_split(training_data, [50000, 10000])
train_dataloader = DataLoader(train_data, batch_size=64, shuffle=True)
valid_dataloader = DataLoader(valid_data, batch_size=64)

model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 10)).to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
epoch_num = 3


def train_loop(dataloader, model, loss_fn, optimizer, epoch, total_loss):
    model.train()
    for X, y in dataloader:
        X, y = X.to(device), y.to(device)
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
    return total_loss


def test_loop(dataloader, model, mode="Test"):
    assert mode in ["Valid", "Test"]
    size = len(dataloader.dataset)
    correct = 0
    model.eval()
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    correct /= size
    print(f"{mode} Accuracy: {(100 * correct):>0.1f}%\n")
    return correct


total_loss = 0.0
best_acc = 0.0
for t in range(epoch_num):
    total_loss = train_loop(train_dataloader, model, loss_fn, optimizer, t + 1, total_loss)
    valid_acc = test_loop(valid_dataloader, model, mode="Valid")
    if valid_acc > best_acc:
        best_acc = valid_acc
        torch.save(model.state_dict(), f"epoch_{t + 1}_valid_acc_{(100 * valid_acc):0.1f}_model_weights.bin")
print("Done!")
