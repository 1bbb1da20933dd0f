# ruff: noqa
import torch
import torch.nn.functional as F
from torch import nn, optim
from torchvision import datasets, transforms

torch.manual_seed(1)
tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
train_ds = datasets.MNIST("data", train=True, download=True, transform=tf)
test_ds = datasets.MNIST("data", train=False, transform=tf)
train_loader = torch.utils.data.DataLoader(train_ds, batch_size=64, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_ds, batch_size=1000)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3)
        self.bn = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16 * 26 * 26, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        return F.log_softmax(self.fc(x.flatten(1)), dim=1)


net = CNN()
opt = optim.Adadelta(net.parameters(), lr=1.0)
for epoch in range(3):
    net.train()
    for data, target in train_loader:
        opt.zero_grad()
        loss = F.nll_loss(net(data), target)
        loss.backward()
        opt.step()
    net.eval()
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            correct += net(data).argmax(1).eq(target).sum().item()
    print(epoch, correct / len(test_ds))
