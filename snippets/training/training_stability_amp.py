# verify: cuda
"""Mixed precision: float16 needs loss scaling, bfloat16 does not.

1. Ranges: 70000 overflows float16 to inf and 1e-8 flushes to 0; bfloat16 keeps both.
2. Real gradients under autocast: the loss is a mean over 4096 tokens, then divided by 64
   for gradient accumulation. In float16 most logit gradients underflow to 0; scaling the
   loss by 2**16 first (what torch.amp.GradScaler does) keeps them; bfloat16 keeps them
   without scaling but rounds more coarsely.
3. GradScaler is dynamic: a step whose scaled gradients overflow is skipped (the weights
   do not change) and the scale is halved, until the steps fit.
Uses CUDA when available (float16 autocast on the GPU), otherwise the CPU.
"""

import torch
import torch.nn.functional as F
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"

# --- 1. the ranges ---------------------------------------------------------------------
values = torch.tensor([70000.0, 1e-8])  # a large activation, a small gradient
for dtype in (torch.float16, torch.bfloat16):
    big, small = values.to(dtype).float().tolist()
    print(f"{str(dtype):15s} max {torch.finfo(dtype).max:<10.5g} 70000 -> {big:<6.0f} ", end="")
    print(f"1e-8 -> {small:.3g}")
assert values.half().isinf()[0] and values.half()[1] == 0 and values.bfloat16().isfinite().all()

# --- 2. gradients of a small classifier with 256 classes -------------------------------
torch.manual_seed(0)
N, CLASSES, ACCUMULATION = 4096, 256, 64
X = torch.randn(N, 32)
y = (X @ torch.randn(32, CLASSES)).argmax(1)
X, y = X.to(device), y.to(device)  # the same data on either device
model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, CLASSES)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for _ in range(40):  # a little fp32 training first: confident models have tiny gradients
    optimizer.zero_grad()
    F.cross_entropy(model(X), y).backward()
    optimizer.step()


def gradients(dtype: torch.dtype, loss_scale: float = 1.0):
    """Gradients of the logits and of all weights, unscaled, for one accumulation step."""
    model.zero_grad()
    with torch.autocast(device, dtype=dtype, enabled=dtype != torch.float32):
        logits = model(X)
    logits.retain_grad()
    loss = F.cross_entropy(logits.float(), y) / ACCUMULATION
    (loss * loss_scale).backward()
    weights = torch.cat([p.grad.flatten() for p in model.parameters()])
    return logits.grad.float() / loss_scale, weights / loss_scale


ref_logits, ref_weights = gradients(torch.float32)
print(f"\n{'':22s} logit grads flushed to 0   weight-grad error vs fp32")
results = {}
for name, dtype, scale in [
    ("float16", torch.float16, 1.0),
    ("float16, scale 2**16", torch.float16, 2.0**16),
    ("bfloat16", torch.bfloat16, 1.0),
]:
    logit_grads, weight_grads = gradients(dtype, scale)
    flushed = ((logit_grads == 0) & (ref_logits != 0)).float().mean().item()
    error = ((weight_grads - ref_weights).norm() / ref_weights.norm()).item()
    results[name] = flushed, error
    print(f"{name:22s} {flushed:13.3f} {error:26.3f}")

assert results["float16"][0] > 0.5 and results["float16"][1] > 0.1, "fp16 loses the gradient"
assert results["float16, scale 2**16"][1] < 0.05 and results["bfloat16"][0] == 0.0
assert results["bfloat16"][1] < 0.1
assert results["bfloat16"][1] > results["float16, scale 2**16"][1], "bf16's short mantissa"

# --- 3. dynamic loss scaling with torch.amp.GradScaler ---------------------------------
scaler = torch.amp.GradScaler(device, init_scale=2.0**40)  # far too high on purpose
skipped = []
for step in range(20):
    before = [p.detach().clone() for p in model.parameters()]
    scale = scaler.get_scale()
    optimizer.zero_grad()
    with torch.autocast(device, dtype=torch.float16):
        loss = F.cross_entropy(model(X).float(), y) / ACCUMULATION
    scaler.scale(loss).backward()
    scaler.step(optimizer)  # unscales; skips optimizer.step() if any gradient is inf/NaN
    scaler.update()  # halves the scale after a skipped step
    if scaler.get_scale() < scale:
        skipped.append(step)
        assert all(torch.equal(b, p) for b, p in zip(before, model.parameters(), strict=True))
exponent = round(torch.tensor(scaler.get_scale()).log2().item())
print(f"\nGradScaler from 2**40: {len(skipped)} of 20 steps skipped, scale now 2**{exponent}")
assert skipped and skipped[0] == 0 and len(skipped) < 20, "overflowing steps are skipped"
