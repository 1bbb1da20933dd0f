# ruff: noqa
import torch
import torch.nn as nn

torch.manual_seed(123)


class SentimentNet(nn.Module):
    def __init__(self, vocab, dim=64):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, dim, batch_first=True)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(dim, 1)

    def forward(self, tokens):
        out, _ = self.lstm(self.emb(tokens))
        return self.fc(self.drop(out[:, -1]))


model = SentimentNet(20000)
criterion = nn.BCELoss()
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(5):
    model.train()
    for tokens, labels in train_loader:
        optim.zero_grad()
        preds = model(tokens).squeeze(1)
        loss = criterion(preds, labels.float())  # leak: TG402
        loss.backward()
        optim.step()
    model.eval()
    with torch.no_grad():
        acc = sum(((model(t).squeeze(1) > 0) == l).float().mean().item() for t, l in val_loader)
