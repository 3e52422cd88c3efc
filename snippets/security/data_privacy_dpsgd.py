"""DP-SGD with Opacus: per-example gradient clipping plus Gaussian noise, with privacy accounting.

The same MLP on scikit-learn's digits, trained without privacy and with DP-SGD at two noise
levels. Opacus reports the epsilon spent for delta = 1e-5; more noise buys a smaller epsilon
at the cost of accuracy.
"""

import warnings

import torch
import torch.nn.functional as F
from opacus import PrivacyEngine
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

DELTA = 1e-5  # well below 1 / (number of training examples)
EPOCHS, BATCH, LR, MAX_GRAD_NORM = 15, 64, 0.05, 1.0
torch.set_num_threads(1)  # tiny matrices: more threads only add synchronization overhead

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)
X_train, X_test = (torch.tensor(a, dtype=torch.float32) for a in (X_train, X_test))
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)


def train(noise_multiplier: float | None) -> tuple[float, float]:
    """Returns (test accuracy, epsilon); epsilon is inf without DP."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=BATCH, shuffle=True)
    engine, trained = None, model
    if noise_multiplier is not None:
        with warnings.catch_warnings():
            # secure_mode=False draws the noise from PyTorch's ordinary PRNG and Opacus warns
            # about it unconditionally; fine for an experiment. Production DP training should
            # use secure_mode=True (needs the torchcsprng package).
            warnings.filterwarnings("ignore", message="Secure RNG turned off")
            engine = PrivacyEngine(accountant="prv", secure_mode=False)
        trained, optimizer, loader = engine.make_private(
            module=model,
            optimizer=optimizer,
            data_loader=loader,  # replaced by Poisson sampling, which the accountant assumes
            noise_multiplier=noise_multiplier,  # noise std = noise_multiplier * max_grad_norm
            max_grad_norm=MAX_GRAD_NORM,  # every example's gradient is clipped to this L2 norm
            grad_sample_mode="ew",  # per-example gradients via torch's expanded weights
        )
    for _ in range(EPOCHS):
        trained.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            F.cross_entropy(trained(xb), yb).backward()
            optimizer.step()
    model.eval()  # the plain module shares its weights with the Opacus wrapper
    with torch.no_grad():
        accuracy = (model(X_test).argmax(1) == y_test).float().mean().item()
    epsilon = engine.get_epsilon(delta=DELTA) if engine else float("inf")
    return accuracy, epsilon


print(f"{EPOCHS} epochs, batch {BATCH}, max_grad_norm {MAX_GRAD_NORM}, delta {DELTA}")
print("noise_multiplier  epsilon  test accuracy")
results = {}
for noise in (None, 1.0, 2.0):
    results[noise] = train(noise)
    accuracy, epsilon = results[noise]
    label = "non-private" if noise is None else f"{noise:.1f}"
    print(f"{label:>16s} {epsilon:8.2f} {accuracy:14.3f}")

(acc_plain, _), (acc_1, eps_1), (acc_2, eps_2) = results.values()
assert eps_2 < eps_1 < 10, "more noise, less privacy spent"
assert acc_plain > acc_1 > acc_2, "and less accuracy"
