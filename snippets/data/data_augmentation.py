"""Image augmentation written with plain tensor ops, and its measured effect on 8x8 digits.

A small CNN is trained on 100 digits with no augmentation, with random shifts (pad, then
crop back to 8x8: label-preserving) and with horizontal flips (which turn a 2 or a 3 into
something that is not a digit). Augmentation runs on the fly, on training batches only.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.set_num_threads(1)  # tiny model: one thread is fastest, and results do not vary with it
X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)  # (N, C, H, W)
y = torch.tensor(y)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=100, stratify=y, random_state=0
)  # 10 images per class to train on


# --- augmentations on a batch (N, C, H, W); torchvision.transforms.v2 equivalents in comments
def random_shift(x: torch.Tensor, pad: int = 1) -> torch.Tensor:
    """Pad by `pad` pixels, then crop a random HxW window: v2.RandomCrop(8, padding=1)."""
    n, _, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (n, 1, 1))  # one offset per image
    dx = torch.randint(0, 2 * pad + 1, (n, 1, 1))
    rows = (dy + torch.arange(h).view(1, h, 1)).expand(n, h, w)
    cols = (dx + torch.arange(w).view(1, 1, w)).expand(n, h, w)
    return padded[torch.arange(n).view(n, 1, 1), :, rows, cols].permute(0, 3, 1, 2)


def gaussian_noise(x: torch.Tensor, sigma: float = 0.1) -> torch.Tensor:
    """Add pixel noise and clip to [0, 1]: v2.GaussianNoise(sigma=0.1)."""
    return (x + sigma * torch.randn_like(x)).clamp(0, 1)


def random_hflip(x: torch.Tensor, p: float = 0.5) -> torch.Tensor:
    """Mirror each image with probability p: v2.RandomHorizontalFlip(p=0.5)."""
    flip = torch.rand(x.shape[0]) < p
    return torch.where(flip.view(-1, 1, 1, 1), x.flip(-1), x)


def train_and_test(augment=None, seed: int = 0, steps: int = 100) -> tuple[float, float]:
    torch.manual_seed(seed)  # per seed: the same initial weights for every variant
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 4 * 4, 10),
    )  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(steps):  # full batch: each step sees a freshly augmented copy
        x = augment(X_train) if augment else X_train
        loss = F.cross_entropy(model(x), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()  # evaluation: the original images, no augmentation
    with torch.inference_mode():
        train_acc = (model(X_train).argmax(1) == y_train).float().mean().item()
        test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    return train_acc, test_acc


shifted = random_shift(X_train)
assert shifted.shape == X_train.shape, "augmentation keeps the size, so batches still stack"

SEEDS = (0, 1, 2)  # one run is one draw: average over a few seeds before drawing a lesson
augmentations = {"none": None, "random shift (1 px)": random_shift, "horizontal flip": random_hflip}
results = {
    name: [train_and_test(augment, seed) for seed in SEEDS]
    for name, augment in augmentations.items()
}
print(f"train on {len(y_train)} digits, test on {len(y_test)}, {len(SEEDS)} seeds")
print(f"{'augmentation':20s} {'train':>6s} {'test (mean)':>11s}  test per seed")
test = {}
for name, runs in results.items():
    test[name] = [t for _, t in runs]
    train_mean, test_mean = sum(r for r, _ in runs) / len(runs), sum(test[name]) / len(runs)
    per_seed = " ".join(f"{t:.3f}" for t in test[name])
    print(f"{name:20s} {train_mean:6.3f} {test_mean:11.3f}  {per_seed}")

# the comparisons hold seed by seed, not only on average
none, shift, flip = test["none"], test["random shift (1 px)"], test["horizontal flip"]
assert all(s > n + 0.05 for s, n in zip(shift, none, strict=True)), "label-preserving shifts help"
assert all(f < n for f, n in zip(flip, none, strict=True)), (
    "flips do not preserve digit labels: they hurt"
)

# An augmentation grid: each row applies one transform to the same five training digits.
torch.manual_seed(1)
examples = torch.stack([X_train[y_train == d][0] for d in (2, 3, 4, 7, 9)])
rows = {
    "original": examples,
    "shift": random_shift(examples),
    "noise": gaussian_noise(examples),
    "shift + noise": gaussian_noise(random_shift(examples)),
    "flip": examples.flip(-1),
}
fig, axes = plt.subplots(len(rows), len(examples), figsize=(4.2, 4.4))
for r, (name, images) in enumerate(rows.items()):
    for c, image in enumerate(images):
        axes[r, c].imshow(image[0].numpy(), cmap="gray_r", vmin=0, vmax=1)  # (1, H, W) -> (H, W)
        axes[r, c].set_xticks([])
        axes[r, c].set_yticks([])
    axes[r, 0].set_ylabel(name, fontsize=8)
fig.tight_layout()
fig.savefig("data_augmentation.png", dpi=100)
plt.close(fig)
