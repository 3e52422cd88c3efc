# verify: cuda
"""Where training memory goes, and what gradient checkpointing saves.

We count the bytes of the weights, the gradients and Adam's state (two more copies of
the weights), then the activations that autograd saves for the backward pass, with and
without torch.utils.checkpoint. Checkpointing keeps only each block's input and
recomputes the rest during backward: far less memory, identical gradients. On CUDA the
peak is also measured with torch.cuda.max_memory_allocated.
"""

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

device = "cuda" if torch.cuda.is_available() else "cpu"
WIDTH, BLOCKS, BATCH = 256, 6, 256


class Block(nn.Module):
    """A transformer-style MLP block with a residual connection and dropout."""

    def __init__(self) -> None:
        super().__init__()
        self.up, self.down = nn.Linear(WIDTH, 4 * WIDTH), nn.Linear(4 * WIDTH, WIDTH)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.dropout(self.down(nn.functional.gelu(self.up(x))))


torch.manual_seed(0)
model = nn.Sequential(*[Block() for _ in range(BLOCKS)]).to(device)
x = torch.randn(BATCH, WIDTH, device=device)
param_storages = {p.untyped_storage().data_ptr() for p in model.parameters()}


def step(use_checkpointing: bool) -> tuple[list[torch.Tensor], int, int]:
    """One forward/backward; returns the gradients, the bytes of activations saved for
    backward, and (on CUDA) the peak memory the step added to what was already allocated."""
    model.zero_grad(set_to_none=True)
    saved = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in param_storages:  # weights are not activations
            saved[storage.data_ptr()] = storage.nbytes()
        return tensor

    torch.manual_seed(1)  # the same dropout masks in both runs
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()  # weights, inputs, earlier results
    h = x
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        for block in model:
            # use_reentrant=False is the recommended implementation; the RNG state is
            # restored on recomputation, so dropout draws the same mask again.
            h = checkpoint(block, h, use_reentrant=False) if use_checkpointing else block(h)
        loss = h.pow(2).mean()
    loss.backward()
    peak = torch.cuda.max_memory_allocated() - before if device == "cuda" else 0
    return [p.grad.clone() for p in model.parameters()], sum(saved.values()), peak


def nbytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


n_params = sum(p.numel() for p in model.parameters())
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
grads_full, act_full, peak_full = step(use_checkpointing=False)
grads_ckpt, act_ckpt, peak_ckpt = step(use_checkpointing=True)  # same weights, same batch
optimizer.step()  # Adam allocates exp_avg and exp_avg_sq on its first step
weights = nbytes(model.parameters())
adam = nbytes(s[k] for s in optimizer.state.values() for k in ("exp_avg", "exp_avg_sq"))

MB = 1e6
print(f"{n_params:,} parameters x 4 bytes (FP32)")
print(f"  weights {weights / MB:.2f} MB, gradients {nbytes(grads_full) / MB:.2f} MB, "
      f"Adam state {adam / MB:.2f} MB (= {adam // weights} copies of the weights)")  # fmt: skip
per_param = (weights + nbytes(grads_full) + adam) / n_params
print(f"  = {per_param:.0f} bytes/parameter before activations; a 7B model: {7 * per_param:.0f} GB")
print(f"activations saved for backward, batch {BATCH}:")
print(f"  without checkpointing {act_full / MB:6.2f} MB")
print(f"  with checkpointing    {act_ckpt / MB:6.2f} MB ({act_full / act_ckpt:.1f}x less)")
same = all(
    torch.allclose(a, b, rtol=1e-5, atol=1e-7) for a, b in zip(grads_full, grads_ckpt, strict=True)
)
print(f"gradients identical: {same}")
if device == "cuda":  # the real peak: activations, gradients, temporaries, workspaces
    print(f"CUDA peak added by the step: {peak_full / MB:.1f} MB -> {peak_ckpt / MB:.1f} MB")
    assert peak_ckpt < peak_full

assert adam == 2 * weights, "Adam keeps two extra FP32 copies: exp_avg and exp_avg_sq"
assert per_param == 16
assert same, "checkpointing changes memory, not the result"
assert act_ckpt * 5 < act_full, "only the block inputs are kept"
