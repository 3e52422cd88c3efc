"""Integrated Gradients (Captum) for a PyTorch digit classifier, with the completeness check.

IG integrates the gradient along the straight line from a baseline input to the input;
the attributions then add up to F(input) - F(baseline) for the explained logit. The
explanation is relative to that baseline: a different baseline gives different
attributions. The figure shows the digit and its attribution map.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import torch
from captum.attr import IntegratedGradients
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
digits = load_digits()
# float64 keeps the printed digits identical whatever the number of CPU threads
X = torch.tensor(digits.data / 16.0, dtype=torch.float64)  # 8x8 images, pixels in [0, 1]
y = torch.tensor(digits.target)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).double()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for _ in range(150):  # full-batch training, a few seconds at most
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(X_train), y_train).backward()
    optimizer.step()
model.eval()
with torch.no_grad():
    accuracy = (model(X_test).argmax(1) == y_test).float().mean().item()
print(f"test accuracy {accuracy:.3f}")

x = X_test[:1]  # one test image
target = int(model(x).argmax(1))
ig = IntegratedGradients(model)
black = torch.zeros_like(x)  # baseline 1: an empty image
attr, delta = ig.attribute(x, black, target=target, n_steps=256, return_convergence_delta=True)
with torch.no_grad():
    gain = (model(x)[0, target] - model(black)[0, target]).item()
print(f"explained class {target} (true {int(y_test[0])})")
print(f"F(x) - F(black) = {gain:.3f}; sum of attributions = {attr.sum().item():.3f}")
print(f"completeness gap |delta| < 0.01: {abs(delta.item()) < 0.01}")
assert abs(attr.sum().item() - gain) < 0.01

mean_digit = X_train.mean(0, keepdim=True)  # baseline 2: the average training image
attr_mean = ig.attribute(x, mean_digit, target=target, n_steps=256)
corr = np.corrcoef(attr.flatten().numpy(), attr_mean.flatten().numpy())[0, 1]
print(f"attributions with the average image as baseline: correlation {corr:.2f} with black")
assert corr < 0.95, "the baseline changes the explanation"

fig, axes = plt.subplots(1, 2, figsize=(5, 2.6))
axes[0].imshow(x.view(8, 8).numpy(), cmap="gray_r")
axes[0].set_title(f"input (class {target})")
limit = attr.abs().max().item()
axes[1].imshow(attr.view(8, 8).detach().numpy(), cmap="bwr", vmin=-limit, vmax=limit)
axes[1].set_title("IG attributions")
for ax in axes:
    ax.axis("off")
fig.tight_layout()
fig.savefig("model_interpretability_ig.png", dpi=100)
plt.close(fig)
