"""Pruning with torch.nn.utils.prune: what it does to accuracy, size and compute.

Magnitude pruning zeroes the smallest weights through a mask. The tensors keep their
shape, so the dense model is no smaller and needs exactly the same FLOPs; only sparse
storage (at high sparsity) or structured pruning, which removes whole neurons, saves
anything. FLOPs are counted with FlopCounterMode instead of timing (machine-dependent).
"""

import copy

import torch
import torch.nn.utils.prune as prune
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

X, y = load_digits(return_X_y=True)  # 1,797 images of 8x8 pixels, 10 classes
X, y = torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y)
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
X_train, y_train, X_test, y_test = X[perm[:1300]], y[perm[:1300]], X[perm[1300:]], y[perm[1300:]]


def train(model: nn.Module, epochs: int) -> nn.Module:
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(epochs):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(X_train), y_train).backward()
        optimizer.step()
    return model


def accuracy(model: nn.Module) -> float:
    with torch.no_grad():
        return (model(X_test).argmax(1) == y_test).float().mean().item()


def linears(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model if isinstance(m, nn.Linear)]


def zero_share(model: nn.Module) -> float:
    weights = [m.weight for m in linears(model)]
    return sum(int((w == 0).sum()) for w in weights) / sum(w.numel() for w in weights)


def stored_bytes(model: nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in model.state_dict().values())


def flops(model: nn.Module) -> int:
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(X_test[:1])
    return counter.get_total_flops()


def report(name: str, model: nn.Module) -> tuple[float, float, int, int]:
    row = accuracy(model), zero_share(model), stored_bytes(model), flops(model)
    acc, zeros, size, fl = row
    print(f"{name:27s} {acc:8.3f}  {zeros:12.0%}  {size / 1e3:9.1f}  {fl:12,}")
    return row


torch.manual_seed(0)
dense = train(nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10)), epochs=150)
print(f"{'':27s} accuracy  zero weights  stored KB  FLOPs/sample")
acc_dense, _, size_dense, flops_dense = report("dense", dense)

# Unstructured: zero the 80% smallest weights over both layers (global L1 magnitude).
pruned = copy.deepcopy(dense)
params = [(m, "weight") for m in linears(pruned)]
prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=0.8)
with_masks = report("80% pruned, with masks", pruned)
masked_keys = list(pruned[0].state_dict())  # the original weight is kept, plus a mask
train(pruned, epochs=30)  # fine-tune with the masks on: pruned weights stay zero
report("  + 30 epochs fine-tuning", pruned)
for module, name in params:
    prune.remove(module, name)  # folds the mask in: a plain dense weight full of zeros
removed = report("  + prune.remove", pruned)

# Structured: keep the 64 hidden neurons with the largest incoming weights, drop the rest.
keep = dense[0].weight.norm(dim=1).topk(64).indices.sort().values
small = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
with torch.no_grad():
    small[0].weight.copy_(dense[0].weight[keep])
    small[0].bias.copy_(dense[0].bias[keep])
    small[2].weight.copy_(dense[2].weight[:, keep])
    small[2].bias.copy_(dense[2].bias)
structured = report("75% of neurons removed", small)
report("  + 30 epochs fine-tuning", train(small, epochs=30))

print(f"\nstate_dict of a pruned layer before prune.remove: {', '.join(masked_keys)}")
# Sparse storage: COO keeps each nonzero's value (4 bytes) and two int64 indices (16 bytes),
# so at 80% zeros it is no smaller than the dense tensor; it pays off only beyond that.
w = pruned[0].weight.detach()
coo = w.to_sparse()
coo_bytes = coo.values().numel() * 4 + coo.indices().numel() * 8
print(
    f"layer 0 weight at 80% zeros: dense {w.numel() * 4 / 1e3:.1f} KB, COO {coo_bytes / 1e3:.1f} KB"
)

assert with_masks[2] > size_dense  # weight_orig + weight_mask: bigger than before
assert removed[2] == size_dense and removed[3] == flops_dense  # same bytes, same FLOPs
assert abs(removed[1] - 0.8) < 0.01 and removed[0] > acc_dense - 0.03  # accuracy recovered
assert coo_bytes >= w.numel() * 4 * 0.99  # sparse storage no smaller at 80% zeros
assert structured[2] < size_dense / 3 and structured[3] < flops_dense / 3  # real savings
