# ruff: noqa
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(20, 50)
        self.out = nn.Linear(50, 4)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))


net = Net()
optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
for step in range(200):
    xb = torch.randn(64, 20)
    yb = torch.randint(0, 4, (64,))
    optimizer.zero_grad()
    logits = net(xb)
    loss = F.cross_entropy(logits, yb)
    loss.backward()
    optimizer.step()
probs = F.softmax(net(torch.randn(5, 20)), dim=1)
