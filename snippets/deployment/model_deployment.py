"""From a trained model to deployable artifacts: a state_dict loaded safely, an ONNX file
checked against PyTorch with ONNX Runtime, and a torch.export program (.pt2).

Every artifact must give the PyTorch model's outputs for any batch size. Files are written
only to a temporary directory.
"""

import os
import pickle
import tempfile
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
from sklearn.datasets import load_digits
from torch import nn


def make_model() -> nn.Module:
    """The architecture lives in code; only the weights are saved."""
    return nn.Sequential(
        nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(128, 10),
    )  # fmt: skip


X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
X_train, y_train, X_test, y_test = X[:1200], y[:1200], X[1200:], y[1200:]
torch.manual_seed(0)
trained = make_model()
optimizer = torch.optim.AdamW(trained.parameters(), lr=3e-3)
for _ in range(60):
    optimizer.zero_grad()
    nn.functional.cross_entropy(trained(X_train), y_train).backward()
    optimizer.step()
trained.eval()  # dropout off, BatchNorm on its running statistics: export this behavior

with tempfile.TemporaryDirectory() as tmp:
    # 1. Save the weights (a state_dict), not the pickled module.
    weights_path = os.path.join(tmp, "model.pt")
    torch.save(trained.state_dict(), weights_path)
    model = make_model()  # what the serving process does: rebuild, then load tensors only
    model.load_state_dict(torch.load(weights_path, weights_only=True))
    model.eval()
    with torch.inference_mode():
        reference = model(X_test)
        same_as_trained = torch.equal(reference, trained(X_test))
    accuracy = (reference.argmax(1) == y_test).float().mean().item()
    print(f"test accuracy {accuracy:.3f}; reloaded state_dict gives identical outputs: "
          f"{same_as_trained}")  # fmt: skip

    # A whole pickled module cannot be loaded with weights_only=True (and must not be
    # loaded with weights_only=False unless you trust the file: unpickling runs code).
    pickled_path = os.path.join(tmp, "pickled_module.pt")
    torch.save(trained, pickled_path)
    try:
        torch.load(pickled_path, weights_only=True)
        refused = False
    except pickle.UnpicklingError:
        refused = True
    print(f"torch.load(weights_only=True) refuses a pickled nn.Module: {refused}")

    # 2. ONNX: eval mode, dynamic batch dimension, then check it with ONNX Runtime.
    onnx_path = os.path.join(tmp, "model.onnx")
    batch = torch.export.Dim("batch", min=1, max=4096)
    with warnings.catch_warnings():
        # torch 2.13 warns about its own internal pytree objects while exporting
        # ("isinstance(treespec, LeafSpec) is deprecated"); our code is not the cause.
        warnings.filterwarnings("ignore", message=r".*LeafSpec", category=FutureWarning)
        onnx_program = torch.onnx.export(
            model,
            (X_test[:2],),
            dynamo=True,  # the torch.export-based exporter (needs onnx and onnxscript)
            input_names=["input"],
            output_names=["logits"],
            dynamic_shapes=({0: batch},),
            verbose=False,
        )
    onnx_program.save(onnx_path)
    onnx.checker.check_model(onnx_path)
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    print(f"ONNX input {session.get_inputs()[0].name!r} with shape {session.get_inputs()[0].shape}")
    for n in (1, 16, len(X_test)):
        onnx_logits = session.run(None, {"input": X_test[:n].numpy()})[0]  # a list: take [0]
        np.testing.assert_allclose(onnx_logits, reference[:n].numpy(), rtol=1e-4, atol=1e-5)
    print(f"ONNX Runtime matches PyTorch for batch sizes 1, 16, {len(X_test)}: True")

    # 3. torch.export: a graph for PyTorch runtimes (AOTInductor, ExecuTorch), saved as .pt2.
    program = torch.export.export(model, (X_test[:2],), dynamic_shapes=({0: batch},))
    pt2_path = os.path.join(tmp, "model.pt2")
    torch.export.save(program, pt2_path)
    loaded = torch.export.load(pt2_path).module()
    with torch.inference_mode():
        for n in (1, len(X_test)):
            torch.testing.assert_close(loaded(X_test[:n]), reference[:n])
    print(f"torch.export program (.pt2) matches PyTorch for batch sizes 1, {len(X_test)}: True")

assert same_as_trained and refused and accuracy > 0.9
