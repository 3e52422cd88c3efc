"""FGSM and PGD adversarial examples against a small MLP trained on scikit-learn's digits.

Under the same L-infinity budget eps (pixels scaled to [0, 1]), random sign noise barely
changes the accuracy, while perturbations built from the loss gradient (FGSM: one step;
PGD: several projected steps) make the model fail on most test images.
"""

import matplotlib
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the Agg backend)

torch.set_num_threads(1)  # tiny matrices: more threads only add synchronization overhead
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X = X / 16.0  # pixel values 0..16 -> [0, 1]: the valid range adversarial images must stay in
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
X_train, X_test = (torch.tensor(a, dtype=torch.float32) for a in (X_train, X_test))
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for _ in range(40):
    model.train()
    for idx in torch.randperm(len(X_train)).split(64):
        optimizer.zero_grad()
        F.cross_entropy(model(X_train[idx]), y_train[idx]).backward()
        optimizer.step()


def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """Fast Gradient Sign Method: one step of size eps along the sign of the input gradient."""
    x = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), y), x)
    return (x + eps * grad.sign()).clamp(0.0, 1.0).detach()


def pgd(model, x, y, eps: float, steps: int = 20, alpha: float | None = None) -> torch.Tensor:
    """Projected Gradient Descent: random start in the eps-ball, then `steps` signed-gradient
    steps of size alpha, each projected back into the eps-ball and the valid pixel range."""
    alpha = alpha if alpha is not None else 2.5 * eps / steps
    x_adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0.0, 1.0)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        x_adv = x_adv.detach() + alpha * grad.sign()
        x_adv = torch.min(torch.max(x_adv, x - eps), x + eps).clamp(0.0, 1.0)
    return x_adv.detach()


def random_sign_noise(x: torch.Tensor, eps: float) -> torch.Tensor:
    """The same L-infinity size as the attacks, but in a random direction."""
    return (x + eps * torch.randint_like(x, 2).mul(2).sub(1)).clamp(0.0, 1.0)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.inference_mode():
        return (model(x).argmax(1) == y).float().mean().item()


model.eval()  # attack the deterministic model (dropout/BatchNorm would otherwise be random)
for p in model.parameters():
    p.requires_grad_(False)  # the attack needs gradients w.r.t. the input only

clean = accuracy(model, X_test, y_test)
print(f"clean test accuracy: {clean:.3f}")
print(f"{'eps':>5s} {'random noise':>13s} {'FGSM':>6s} {'PGD-20':>7s}")
results, pgd_images = {}, {}
for eps in (0.05, 0.1, 0.2):
    x_noise = random_sign_noise(X_test, eps)
    x_fgsm = fgsm(model, X_test, y_test, eps)
    x_pgd = pgd(model, X_test, y_test, eps)
    for x_adv in (x_noise, x_fgsm, x_pgd):  # inside the budget and the valid range
        assert (x_adv - X_test).abs().max() <= eps + 1e-6
        assert x_adv.min() >= 0.0 and x_adv.max() <= 1.0
    pgd_images[eps] = x_pgd
    results[eps] = [accuracy(model, x, y_test) for x in (x_noise, x_fgsm, x_pgd)]
    noise_acc, fgsm_acc, pgd_acc = results[eps]
    print(f"{eps:5.2f} {noise_acc:13.3f} {fgsm_acc:6.3f} {pgd_acc:7.3f}")

noise_acc, fgsm_acc, pgd_acc = results[0.1]
assert clean > 0.95
assert clean - noise_acc < 0.03, "random noise of the same size hardly matters"
assert fgsm_acc < clean - 0.3, "one gradient step already breaks the model"
assert pgd_acc <= fgsm_acc, "the iterative attack is at least as strong"

# A correctly classified test image, the perturbation PGD found for it (eps = 0.1), and
# the adversarial image, which the model now gets wrong.
x_adv_all = pgd_images[0.1]
with torch.inference_mode():
    fooled = (model(X_test).argmax(1) == y_test) & (model(x_adv_all).argmax(1) != y_test)
    i = int(fooled.nonzero()[0])
    x_adv = x_adv_all[i : i + 1]
    pred_adv = model(x_adv).argmax().item()
fig, axes = plt.subplots(1, 3, figsize=(6, 2.3))
panels = [
    (X_test[i], f"clean: predicted {y_test[i].item()}", "gray_r", 0.0, 1.0),
    (x_adv[0] - X_test[i], "perturbation (eps=0.1)", "coolwarm", -0.1, 0.1),
    (x_adv[0], f"adversarial: predicted {pred_adv}", "gray_r", 0.0, 1.0),
]
for ax, (img, title, cmap, vmin, vmax) in zip(axes, panels, strict=True):
    ax.imshow(img.reshape(8, 8).numpy(), cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
fig.tight_layout()
fig.savefig("adversarial_robustness.png", dpi=100)
plt.close(fig)
