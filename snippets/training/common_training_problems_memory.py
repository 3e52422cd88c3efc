"""Where training memory goes: 16 bytes per parameter of state, plus activations.

After one AdamW step in fp32 we add up the bytes of the real tensors: weights, gradients
and Adam's two moment buffers, 4 bytes each per parameter, independent of the batch. The
activations saved for backward are counted with a saved-tensors hook: they grow with the
batch size, and activation checkpointing keeps only each block's input.
"""

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

torch.manual_seed(0)
WIDTH, BLOCKS = 256, 4
model = nn.Sequential(
    *[
        nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH), nn.GELU(), nn.Linear(4 * WIDTH, WIDTH))
        for _ in range(BLOCKS)
    ]
)  # a stack of transformer-style MLP blocks
n_params = sum(p.numel() for p in model.parameters())
param_storages = {p.untyped_storage().data_ptr() for p in model.parameters()}


def train_step(batch_size: int, use_checkpointing: bool = False) -> int:
    """Forward and backward on a random batch; return the bytes saved for backward
    (activations only: the weights, which autograd also saves, are not counted)."""
    saved = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in param_storages:
            saved[storage.data_ptr()] = storage.nbytes()
        return tensor

    x = torch.randn(batch_size, WIDTH)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        for block in model:
            x = checkpoint(block, x, use_reentrant=False) if use_checkpointing else block(x)
        loss = x.pow(2).mean()
    loss.backward()
    return sum(saved.values())


def nbytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
activations = {b: train_step(b) for b in (32, 64, 128)}
optimizer.step()  # creates Adam's state: exp_avg and exp_avg_sq for every parameter

state = {
    "weights": nbytes(model.parameters()),
    "gradients": nbytes(p.grad for p in model.parameters()),
    "Adam exp_avg": nbytes(s["exp_avg"] for s in optimizer.state.values()),
    "Adam exp_avg_sq": nbytes(s["exp_avg_sq"] for s in optimizer.state.values()),
}
step_counters = nbytes(s["step"] for s in optimizer.state.values())  # one scalar per tensor
print(f"model: {n_params:,} parameters; training state after one AdamW step (fp32):")
for name, size in state.items():
    print(f"  {name:16s} {size / n_params:.0f} bytes/parameter  {size / 1e6:6.2f} MB")
total = sum(state.values())
print(f"  {'total':16s} {total / n_params:.0f} bytes/parameter  {total / 1e6:6.2f} MB"
      f"  (+ {step_counters} bytes of step counters)")  # fmt: skip

print("activations saved for backward:")
for batch, size in activations.items():
    print(f"  batch {batch:3d}: {size / 1e6:.3f} MB = {size // batch:,} bytes per sample")
checkpointed = train_step(32, use_checkpointing=True)
print(f"  batch  32 with activation checkpointing: {checkpointed / 1e6:.3f} MB")

print("state at 16 bytes/parameter, before activations (GB = 1e9 bytes):")
print("  parameters  one GPU  ZeRO-3/FSDP over 8 GPUs")
for billions in (1, 7, 70):
    print(f"  {billions:9d}B  {16 * billions:4d} GB  {16 * billions / 8:5.0f} GB per GPU")

assert total == 16 * n_params, "4 + 4 + 4 + 4 bytes for every parameter"
assert activations[64] == 2 * activations[32] and activations[128] == 4 * activations[32]
# Without checkpointing, each block keeps its input (WIDTH) and two 4*WIDTH hidden tensors;
# with it, only the block inputs survive until backward (plus the loss's input).
assert activations[32] == 32 * 4 * (BLOCKS * (WIDTH + 2 * 4 * WIDTH) + WIDTH)
assert checkpointed == 32 * 4 * (BLOCKS + 1) * WIDTH
