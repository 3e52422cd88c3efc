"""Training curves: loss and accuracy per epoch on the training and validation sets.

A PyTorch MLP trained on 300 digit images. We log both sets after every epoch (what
TensorBoard or Weights & Biases would plot), then read the curves: where validation loss
bottoms out, and how wide the gap between training and validation has grown by then.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from torch import nn

torch.manual_seed(0)
digits = load_digits()
# float64 keeps the printed digits identical whatever the number of CPU threads
X = torch.tensor(digits.data / 16.0, dtype=torch.float64)
y = torch.tensor(digits.target)
X_train, y_train, X_val, y_val = X[:300], y[:300], X[300:800], y[300:800]

model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10)).double()
optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
loss_fn = nn.CrossEntropyLoss()
EPOCHS = 40
history = {"train loss": [], "val loss": [], "train acc": [], "val acc": []}


def evaluate(X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    model.eval()
    with torch.no_grad():
        logits = model(X)
    return loss_fn(logits, y).item(), (logits.argmax(1) == y).double().mean().item()


for _epoch in range(EPOCHS):
    model.train()
    for batch in torch.randperm(300).split(32):  # mini-batches, reshuffled every epoch
        optimizer.zero_grad()
        loss_fn(model(X_train[batch]), y_train[batch]).backward()
        optimizer.step()
    for split, (X_s, y_s) in {"train": (X_train, y_train), "val": (X_val, y_val)}.items():
        loss, acc = evaluate(X_s, y_s)
        history[f"{split} loss"].append(loss)
        history[f"{split} acc"].append(acc)

best = min(range(EPOCHS), key=history["val loss"].__getitem__)
print("epoch  train loss  val loss  train acc  val acc")
for epoch in (0, 4, best, EPOCHS - 1):
    row = [history[k][epoch] for k in ("train loss", "val loss", "train acc", "val acc")]
    print(f"{epoch + 1:5d}  {row[0]:10.3f}  {row[1]:8.3f}  {row[2]:9.3f}  {row[3]:7.3f}")
print(f"validation loss is lowest after epoch {best + 1}; by epoch {EPOCHS} it has risen")
print(f"by {history['val loss'][-1] - history['val loss'][best]:.3f} while training loss fell")
assert best < 30 and history["val loss"][-1] > history["val loss"][best]
assert history["train loss"][-1] < history["train loss"][best]

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3.2))
epochs = range(1, EPOCHS + 1)
for split, style in (("train", "-"), ("val", "--")):
    ax_loss.plot(epochs, history[f"{split} loss"], style, label=split)
    ax_acc.plot(epochs, history[f"{split} acc"], style, label=split)
for ax, title in ((ax_loss, "cross-entropy loss"), (ax_acc, "accuracy")):
    ax.axvline(best + 1, color="gray", linestyle=":", label=f"best val loss (epoch {best + 1})")
    ax.set_xlabel("epoch")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
ax_loss.set_yscale("log")
fig.tight_layout()
fig.savefig("model_visualization_curves.png", dpi=100)
plt.close(fig)
