# verify: cuda
"""Four basics of fast, correct inference in PyTorch: eval(), inference_mode(), batching and
low precision. Timings are compared with each other, never printed (they depend on the machine).

On CUDA the low-precision pass is fp16 autocast; on CPU it is bf16 autocast.
"""

import time

import torch
from sklearn.datasets import load_digits
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"
low_dtype = torch.float16 if device == "cuda" else torch.bfloat16

# A small classifier with dropout, trained briefly on 8x8 images of digits.
X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32, device=device)
y = torch.tensor(y, device=device)
X_train, y_train, X_test, y_test = X[:1200], y[:1200], X[1200:], y[1200:]
torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(256, 256), nn.ReLU(), nn.Dropout(0.3),
    nn.Linear(256, 10),
).to(device)  # fmt: skip
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
for _ in range(80):
    model.train()
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(X_train), y_train).backward()
    optimizer.step()

# 1. eval(): dropout is random in training mode, so two passes over the same input disagree.
with torch.inference_mode():
    model.train()
    train_mode_equal = torch.equal(model(X_test), model(X_test))
    model.eval()
    logits = model(X_test)
    eval_mode_equal = torch.equal(logits, model(X_test))
accuracy = (logits.argmax(1) == y_test).float().mean().item()
print(f"test accuracy (eval mode):           {accuracy:.3f}")
print(f"two passes identical in train mode:  {train_mode_equal}")
print(f"two passes identical in eval mode:   {eval_mode_equal}")
assert not train_mode_equal and eval_mode_equal

# 2. inference_mode(): no autograd graph is recorded, so no activations are kept for backward.
with_grad = model(X_test)
with torch.inference_mode():
    without_grad = model(X_test)
print(f"autograd graph recorded: plain call {with_grad.grad_fn is not None}, "
      f"inference_mode {without_grad.grad_fn is not None}")  # fmt: skip
assert with_grad.grad_fn is not None and without_grad.grad_fn is None
del with_grad


def best_time(fn, repeats: int = 3) -> float:
    """The fastest of several runs: the least disturbed by other work on the machine."""
    times = []
    for _ in range(repeats):
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if device == "cuda":
            torch.cuda.synchronize()  # GPU kernels run asynchronously: wait before stopping
        times.append(time.perf_counter() - start)
    return min(times)


# 3. Batching: one call on 200 samples against 200 calls on one sample each.
requests = X_test[:200]


@torch.inference_mode()
def one_by_one() -> torch.Tensor:
    return torch.cat([model(x.unsqueeze(0)) for x in requests])


@torch.inference_mode()
def batched() -> torch.Tensor:
    return model(requests)


single, batch = one_by_one(), batched()
same_predictions = torch.equal(single.argmax(1), batch.argmax(1))
max_diff = (single - batch).abs().max().item()
speedup = best_time(one_by_one) / best_time(batched)
print(f"same predictions one-by-one and batched: {same_predictions}")
print(f"max abs difference of logits < 1e-4:     {max_diff < 1e-4}")
print(f"batched at least 5x faster:              {speedup > 5}")
assert same_predictions and max_diff < 1e-4 and speedup > 5, (max_diff, speedup)

# 4. Low precision: autocast runs the matrix multiplications in 16-bit floats.
with torch.inference_mode(), torch.autocast(device_type=device, dtype=low_dtype):
    low_logits = model(X_test)
agreement = (low_logits.argmax(1) == logits.argmax(1)).float().mean().item()
low_accuracy = (low_logits.argmax(1) == y_test).float().mean().item()
print(f"16-bit autocast: accuracy {low_accuracy:.3f}, same prediction as fp32 on {agreement:.3f}")
assert low_logits.dtype == low_dtype and agreement > 0.98
