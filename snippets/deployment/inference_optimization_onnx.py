"""Inference with ONNX Runtime, in float32 and with dynamic INT8 quantization.

The trained PyTorch model is exported to ONNX; ONNX Runtime must give the same logits
(float32), and the INT8 model must keep the accuracy while its file is about 4x smaller.
All files go to a temporary directory.
"""

import os
import tempfile
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.shape_inference import quant_pre_process
from sklearn.datasets import load_digits
from torch import nn

X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
X_train, y_train, X_test, y_test = X[:1200], y[:1200], X[1200:], y[1200:]
torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
for _ in range(80):
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(X_train), y_train).backward()
    optimizer.step()
model.eval()
with torch.inference_mode():
    torch_logits = model(X_test).numpy()


def run(session: ort.InferenceSession, inputs: np.ndarray) -> np.ndarray:
    # run() returns a list with one array per output; inputs are NumPy arrays, not tensors
    return session.run(None, {"input": inputs})[0]


with tempfile.TemporaryDirectory() as tmp:
    fp32_path = os.path.join(tmp, "model.onnx")
    prepared_path = os.path.join(tmp, "model.prepared.onnx")
    int8_path = os.path.join(tmp, "model.int8.onnx")
    with warnings.catch_warnings():
        # torch 2.13 warns about its own internal pytree objects while exporting
        # ("isinstance(treespec, LeafSpec) is deprecated"); our code is not the cause.
        warnings.filterwarnings("ignore", message=r".*LeafSpec", category=FutureWarning)
        onnx_program = torch.onnx.export(
            model,
            (X_test[:2],),
            dynamo=True,
            input_names=["input"],
            output_names=["logits"],
            dynamic_shapes=({0: torch.export.Dim("batch")},),  # any batch size
            verbose=False,
        )
    onnx_program.save(fp32_path)
    onnx.checker.check_model(fp32_path)

    # Dynamic quantization: INT8 weights, activations quantized on the fly per batch.
    quant_pre_process(fp32_path, prepared_path)  # shape inference and graph clean-up
    quantize_dynamic(prepared_path, int8_path, weight_type=QuantType.QInt8)
    size_ratio = os.path.getsize(fp32_path) / os.path.getsize(int8_path)
    int8_ops = {node.op_type for node in onnx.load(int8_path).graph.node}

    providers = ["CPUExecutionProvider"]  # name the execution provider explicitly
    fp32 = ort.InferenceSession(fp32_path, providers=providers)
    int8 = ort.InferenceSession(int8_path, providers=providers)
    ort_logits = run(fp32, X_test.numpy())
    int8_logits = run(int8, X_test.numpy())

np.testing.assert_allclose(ort_logits, torch_logits, rtol=1e-4, atol=1e-5)
labels = y_test.numpy()
acc = {
    "PyTorch fp32": (torch_logits.argmax(1) == labels).mean(),
    "ONNX Runtime fp32": (ort_logits.argmax(1) == labels).mean(),
    "ONNX Runtime int8": (int8_logits.argmax(1) == labels).mean(),
}
agreement = (int8_logits.argmax(1) == ort_logits.argmax(1)).mean()
int8_diff = np.abs(int8_logits - ort_logits).max()
# Integer kernels differ between CPUs (AVX2, AVX-512 VNNI, ARM), so the int8 numbers are
# checked against bounds instead of being printed.
int8_ok = abs(acc["ONNX Runtime int8"] - acc["ONNX Runtime fp32"]) <= 0.01 and agreement >= 0.98
for name in ("PyTorch fp32", "ONNX Runtime fp32"):
    print(f"{name:18s} accuracy {acc[name]:.3f}")
print("ONNX Runtime fp32 matches PyTorch (assert_allclose, atol 1e-5): True")
print(f"int8 accuracy within 0.01 of fp32, same prediction on >= 98%: {int8_ok}")
print(f"int8 max |logit diff| from fp32 below 0.5: {int8_diff < 0.5}")
has_int_matmul = "MatMulInteger" in int8_ops
print(f"int8 file is {size_ratio:.1f}x smaller; graph has MatMulInteger: {has_int_matmul}")
assert acc["ONNX Runtime fp32"] == acc["PyTorch fp32"]
assert int8_ok and int8_diff < 0.5 and size_ratio > 3.5 and has_int_matmul
