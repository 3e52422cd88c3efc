# verify: cuda
"""Mixed-precision training with torch.autocast: what runs in low precision, what stays FP32.

The same model is trained twice from the same initial weights, once in FP32 and once
under autocast (BF16 on the CPU and on GPUs that support it, such as the A100 and H100;
FP16 with a GradScaler on older GPUs). We check where the low precision applies and that
both runs learn equally well. Speed is not measured: this small MLP is limited by kernel
launches on a GPU, so autocast need not be faster here; the gain shows on large matmuls.
"""

import torch
from sklearn.datasets import make_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = "cuda" if torch.cuda.is_available() else "cpu"
# Prefer BF16: it has FP32's range and needs no loss scaling. FP16 (small range, hence
# a GradScaler) only on GPUs without BF16 support, such as the V100 and T4.
bf16_ok = device == "cpu" or torch.cuda.is_bf16_supported()
amp_dtype = torch.bfloat16 if bf16_ok else torch.float16
use_scaler = amp_dtype == torch.float16

X, y = make_classification(
    n_samples=2000, n_features=32, n_informative=16, n_classes=4, random_state=0
)
X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
train_set = TensorDataset(X[:1600], y[:1600])
X_test, y_test = X[1600:].to(device), y[1600:].to(device)


def make_model() -> nn.Module:
    torch.manual_seed(0)  # both runs start from the same weights
    return nn.Sequential(
        nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 4)
    ).to(device)


def train(use_amp: bool) -> tuple[list[float], float, dict]:
    model = make_model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    scaler = torch.amp.GradScaler(device, enabled=use_amp and use_scaler)
    loader = DataLoader(
        train_set,
        batch_size=128,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),  # the same batches in both runs
        num_workers=0,  # real data: 4-8 worker processes, persistent_workers=True
        pin_memory=device == "cuda",  # page-locked host memory: faster, async copies
    )
    losses = []
    for _ in range(6):
        total = torch.zeros((), device=device)
        for xb, yb in loader:
            xb = xb.to(device, non_blocking=True)
            yb = yb.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            # Forward pass AND loss inside autocast; backward() outside it.
            with torch.autocast(device_type=device, dtype=amp_dtype, enabled=use_amp):
                loss = nn.functional.cross_entropy(model(xb), yb)
            scaler.scale(loss).backward()  # a no-op wrapper when the scaler is disabled
            scaler.step(optimizer)  # unscales the gradients first; skips the step on inf/NaN
            scaler.update()
            total += loss.detach() * len(xb)  # no .item() here: it would wait for the GPU
        losses.append(total.item() / len(train_set))
    with torch.autocast(device_type=device, dtype=amp_dtype, enabled=use_amp):
        hidden = model[0](xb)  # inspect one layer's output on the last batch
    dtypes = {
        "linear output": hidden.dtype,
        "loss": loss.dtype,
        "weights": model[0].weight.dtype,
        "gradients": model[0].weight.grad.dtype,
    }
    model.eval()
    with torch.inference_mode(), torch.autocast(device, dtype=amp_dtype, enabled=use_amp):
        accuracy = (model(X_test).argmax(1) == y_test).float().mean().item()
    return losses, accuracy, dtypes


fp32_losses, fp32_acc, fp32_dtypes = train(use_amp=False)
amp_losses, amp_acc, amp_dtypes = train(use_amp=True)

short = {torch.float32: "float32", torch.bfloat16: "bfloat16", torch.float16: "float16"}
print(f"autocast dtype {short[amp_dtype]}, GradScaler {'on' if use_scaler else 'off'}")
print(f"{'':14s} {'FP32 run':>9s} {'autocast':>9s}")
for name in fp32_dtypes:
    print(f"{name:14s} {short[fp32_dtypes[name]]:>9s} {short[amp_dtypes[name]]:>9s}")
for epoch in (0, 2, 5):
    print(f"loss epoch {epoch + 1}  {fp32_losses[epoch]:9.2f} {amp_losses[epoch]:9.2f}")
print(f"test accuracy  {fp32_acc:9.2f} {amp_acc:9.2f}")

# Autocast runs matmuls in low precision but keeps the weights, their gradients
# (the optimizer's "master" copy) and the loss in FP32.
assert amp_dtypes["linear output"] == amp_dtype and fp32_dtypes["linear output"] == torch.float32
assert amp_dtypes["loss"] == amp_dtypes["weights"] == amp_dtypes["gradients"] == torch.float32
# ... and it learns as well as FP32: same loss curve within a few hundredths.
assert fp32_losses[-1] < 0.5 * fp32_losses[0] and amp_losses[-1] < 0.5 * amp_losses[0]
assert max(abs(a - b) for a, b in zip(fp32_losses, amp_losses, strict=True)) < 0.05
assert abs(fp32_acc - amp_acc) < 0.03
