"""Post-training int8 quantization of the Linear layers with torchao's quantize_.

Int8WeightOnlyConfig stores each weight row as int8 plus one float scale (symmetric,
per row); Int8DynamicActivationInt8WeightConfig also quantizes the activations on the
fly, so that a backend with int8 kernels can run the matrix multiplication in int8 (not
checked here: on a CPU without such kernels it may dequantize first). We compare the size
of the saved file, the accuracy and how often the predictions agree with the FP32 model.
"""

import copy
import io

import torch
from sklearn.datasets import load_digits
from torch import nn
from torchao.quantization import (
    Int8DynamicActivationInt8WeightConfig,
    Int8WeightOnlyConfig,
    quantize_,
)

X, y = load_digits(return_X_y=True)
X, y = torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y)
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
X_train, y_train, X_test, y_test = X[perm[:1300]], y[perm[:1300]], X[perm[1300:]], y[perm[1300:]]

torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
for _ in range(150):
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(X_train), y_train).backward()
    optimizer.step()
model.eval()


def saved_bytes(model: nn.Module) -> int:
    """Size of the saved state_dict: what you would ship, weights, scales and biases."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


variants = {"FP32": model}
for name, config in [
    ("int8 weight-only", Int8WeightOnlyConfig()),
    ("int8 dynamic activations", Int8DynamicActivationInt8WeightConfig()),
]:
    variants[name] = copy.deepcopy(model)
    quantize_(variants[name], config)  # replaces the weight of every nn.Linear in place

sizes = {name: saved_bytes(m) for name, m in variants.items()}  # outside inference_mode
with torch.inference_mode():
    reference = model(X_test).argmax(1)
    print(f"{'':25s} accuracy  agrees with FP32    file KB")
    rows = {}
    for name, m in variants.items():
        pred = m(X_test).argmax(1)
        rows[name] = (
            (pred == y_test).float().mean().item(),
            (pred == reference).float().mean().item(),
            sizes[name],
        )
        acc, agree, size = rows[name]
        print(f"{name:25s} {acc:8.3f}  {agree:16.3f}  {size / 1e3:9.1f}")

# What int8 means for one layer: q = round(w / scale), one scale per output row,
# so dequantizing gives each weight back to within half a quantization step.
w_q = variants["int8 weight-only"][2].weight
error = (w_q.dequantize() - model[2].weight).abs() / w_q.scale
print(f"layer 2: {w_q.qdata.dtype} data, {w_q.scale.numel()} scales; "
      f"max error {error.max().item():.2f} quantization steps")  # fmt: skip

fp32_acc, _, fp32_size = rows["FP32"]
for name in ("int8 weight-only", "int8 dynamic activations"):
    acc, agree, size = rows[name]
    assert size < 0.3 * fp32_size, "int8: a quarter of FP32, plus scales, biases, file overhead"
    assert abs(acc - fp32_acc) < 0.01 and agree > 0.98
assert error.max() <= 0.5 + 1e-3
