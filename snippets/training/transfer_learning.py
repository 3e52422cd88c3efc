"""Transfer learning without downloaded weights: pre-train a small network on clean digits,
then adapt it to a shifted domain (thicker, blurred strokes) that has only a few labels.

Compares training from scratch, feature extraction (frozen backbone, new head) and full
fine-tuning (a 10x smaller learning rate for the backbone), with 3 and 10 labels per class.
"""

import copy

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn

# float64 data and weights: the network is small, so it costs little, and the printed
# accuracies then do not depend on how CPU threads split the sums (in float32 one test
# image in ~2000 can flip from run to run).
DTYPE = torch.float64
torch.manual_seed(0)
X, y = load_digits(return_X_y=True)
X, y = torch.tensor(X / 16.0, dtype=DTYPE), torch.tensor(y)
order = torch.randperm(len(y))
X, y = X[order], y[order]
X_src, y_src = X[:1000], y[:1000]  # source task: plenty of labels, clean scans
X_src_test, y_src_test = X[1000:1250], y[1000:1250]
X_tgt, y_tgt = X[1250:], y[1250:]  # target: 547 other images from a different "scanner"
# The target scanner thickens and blurs the strokes: same digits, shifted inputs.
blurred = F.avg_pool2d(X_tgt.reshape(-1, 1, 8, 8), 3, stride=1, padding=1)
X_tgt = (1.8 * blurred).clamp(max=1.0).reshape(-1, 64)


def make_backbone() -> nn.Module:
    return nn.Sequential(
        nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(),
        nn.Linear(128, 128), nn.ReLU(),
    ).to(DTYPE)  # fmt: skip


def accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.inference_mode():
        return (model(X).argmax(1) == y).float().mean().item()


def train(model, param_groups, X, y, steps, batch_size=None, frozen=None):
    """AdamW on cross-entropy. A `frozen` module is kept in eval mode: BatchNorm then uses,
    and keeps, its pre-trained running statistics."""
    optimizer = torch.optim.AdamW(param_groups, weight_decay=1e-4)
    for _ in range(steps):
        model.train()
        if frozen is not None:
            frozen.eval()
        idx = torch.randint(len(y), (batch_size,)) if batch_size else slice(None)
        optimizer.zero_grad()
        F.cross_entropy(model(X[idx]), y[idx]).backward()
        optimizer.step()


# 1. Pre-train on the source task (this stands in for downloading pre-trained weights).
torch.manual_seed(1)
source_model = nn.Sequential(make_backbone(), nn.Linear(128, 10, dtype=DTYPE))
train(source_model, [{"params": source_model.parameters(), "lr": 3e-3}], X_src, y_src, 300, 64)
pretrained, source_head = copy.deepcopy(source_model[0].state_dict()), source_model[1]
source_acc = accuracy(source_model, X_src_test, y_src_test)
print(f"pre-trained model: source test {source_acc:.3f}, target domain as is ", end="")
print(f"{accuracy(source_model, X_tgt, y_tgt):.3f}")


# 2. Adapt to the target with a new head, three ways.
def adapt(method: str, X_train, y_train, keep_bn_frozen: bool = True) -> nn.Module:
    torch.manual_seed(2)
    head = nn.Linear(128, 10, dtype=DTYPE)  # a new head, initialized the same way for every method
    backbone = make_backbone()
    if method == "from scratch":
        groups = [{"params": [*backbone.parameters(), *head.parameters()], "lr": 3e-3}]
    else:
        backbone.load_state_dict(pretrained)
    if method == "feature extraction":
        backbone.requires_grad_(False)  # no gradients, no updates: only the head learns
        groups = [{"params": head.parameters(), "lr": 3e-3}]
    if method == "fine-tuning":  # discriminative learning rates: backbone 10x smaller
        groups = [
            {"params": backbone.parameters(), "lr": 3e-4},
            {"params": head.parameters(), "lr": 3e-3},
        ]
    frozen = backbone if method == "feature extraction" and keep_bn_frozen else None
    model = nn.Sequential(backbone, head)
    train(model, groups, X_train, y_train, 100, frozen=frozen)
    return model


def labelled_split(per_class: int, draw: int):
    """`per_class` labeled target images per digit; the rest of the target is the test set."""
    g = torch.Generator().manual_seed(100 + draw)
    chosen = [torch.nonzero(y_tgt == c).squeeze(1) for c in range(10)]
    chosen = torch.cat([i[torch.randperm(len(i), generator=g)[:per_class]] for i in chosen])
    test = torch.ones(len(y_tgt), dtype=torch.bool)
    test[chosen] = False
    return X_tgt[chosen], y_tgt[chosen], X_tgt[test], y_tgt[test]


METHODS = ["from scratch", "feature extraction", "fine-tuning"]
DRAWS = 4  # average over 4 random choices of the labeled images
print(f"target test accuracy, mean ± standard deviation over {DRAWS} draws")
print(f"{'labels/class':>12s} {METHODS[0]:>13s} {METHODS[1]:>19s} {METHODS[2]:>12s}")
results, spread, forgetting = {}, {}, {m: [] for m in METHODS[1:]}
for per_class in (3, 10):
    scores = {m: [] for m in METHODS}
    for draw in range(DRAWS):
        X_train, y_train, X_test, y_test = labelled_split(per_class, draw)
        for method in METHODS:
            model = adapt(method, X_train, y_train)
            scores[method].append(accuracy(model, X_test, y_test))
            if method in forgetting:  # the adapted backbone with the ORIGINAL source head
                old_task = nn.Sequential(model[0], source_head)
                forgetting[method].append(accuracy(old_task, X_src_test, y_src_test))
    results[per_class] = {m: sum(s) / DRAWS for m, s in scores.items()}
    spread[per_class] = {m: torch.tensor(s).std().item() for m, s in scores.items()}
    cells = (f"{results[per_class][m]:.3f}±{spread[per_class][m]:.3f}" for m in METHODS)
    print(f"{per_class:12d}", *(f"{c:>{w}s}" for c, w in zip(cells, (13, 19, 12), strict=True)))

# 3. What adapting did to the source task (catastrophic forgetting).
kept = {m: sum(a) / len(a) for m, a in forgetting.items()}
print(f"source test accuracy afterwards (original head): was {source_acc:.3f}, ", end="")
print(f"feature extraction {kept['feature extraction']:.3f}, fine-tuning {kept['fine-tuning']:.3f}")

# 4. requires_grad_(False) does not freeze BatchNorm: in train() it updates running statistics.
X_train, y_train, _, _ = labelled_split(3, 0)
leaky = adapt("feature extraction", X_train, y_train, keep_bn_frozen=False)
changed = not torch.equal(leaky[0][1].running_mean, pretrained["1.running_mean"])
drifted = accuracy(nn.Sequential(leaky[0], source_head), X_src_test, y_src_test)
print(f"frozen backbone left in train(): BatchNorm statistics changed: {changed}, ", end="")
print(f"source test {source_acc:.3f} -> {drifted:.3f}")

few, more = results[3], results[10]
# With 3 labels per class both transfer methods beat training from scratch by more than
# the largest draw-to-draw standard deviation.
for m in ("feature extraction", "fine-tuning"):
    assert few[m] - few["from scratch"] > max(spread[3].values()), f"with 3 labels, {m} wins"
# With 10 labels per class the transfer advantage is gone: the three means lie within the
# draw-to-draw spread, and fine-tuning's lead over training from scratch has shrunk.
assert max(more.values()) - min(more.values()) < max(spread[10].values())
assert more["fine-tuning"] - more["from scratch"] < few["fine-tuning"] - few["from scratch"] - 0.03
assert kept["feature extraction"] == source_acc, "a frozen backbone forgets nothing"
assert kept["fine-tuning"] < source_acc - 0.05, "fine-tuning overwrites the source task"
assert changed and drifted < source_acc, "requires_grad_(False) alone did not freeze BN"
