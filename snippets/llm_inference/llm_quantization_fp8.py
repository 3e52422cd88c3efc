# verify: cuda
"""FP8 (E4M3 / E5M2): round-trip error, why a scale is needed, and scaled FP8 matmuls.

1. Round trip through torch.float8_e4m3fn and torch.float8_e5m2 (both exist on CPU): with 3
   (2) mantissa bits the relative error of a normal number is at most 2^-4 (2^-3).
2. Without a scale, small values fall below E4M3's smallest normal (2^-6) and lose their
   precision; per-tensor scaling (amax -> 448) fixes that. Against INT8 with the same
   per-tensor scale, FP8 keeps the small values of a tensor with an outlier far more precisely.
3. FP8 matmul through the public torch.nn.functional.scaled_mm (ScalingType.TensorWise and
   RowWise), which has a CPU kernel, checked against dequantize-then-matmul. Per-tensor vs
   per-row scales with one row 100x and one row 1e5x larger than the rest.
4. On an NVIDIA GPU with FP8 tensor cores (compute capability >= 8.9: Ada, H100/H200) the
   same call runs on the tensor cores and is checked the same way; elsewhere that part is
   skipped.
"""

import torch
import torch.nn.functional as F
from torch.nn.functional import ScalingType

torch.manual_seed(0)
E4M3, E5M2 = torch.float8_e4m3fn, torch.float8_e5m2
print(f"E4M3 max {torch.finfo(E4M3).max:g}, smallest normal {torch.finfo(E4M3).tiny:g}")
print(f"E5M2 max {torch.finfo(E5M2).max:g}, smallest normal {torch.finfo(E5M2).tiny:g}")


def fp8_roundtrip(x, dtype, scale=None):
    """Per-tensor scaled cast: x/scale -> fp8 -> back to float, times scale."""
    if scale is None:
        scale = x.abs().max() / torch.finfo(dtype).max  # amax lands on the largest fp8 value
    return (x / scale).to(dtype).to(torch.float32) * scale


x = torch.randn(100_000)
for name, dtype, bound in (("E4M3", E4M3, 2**-4), ("E5M2", E5M2, 2**-3)):
    rel = ((fp8_roundtrip(x, dtype) - x).abs() / x.abs())[x.abs() > 1e-2]  # normal range
    assert rel.max() <= bound, rel.max()
    print(f"{name} round trip of N(0,1): mean rel err {rel.mean():.4f}, max {rel.max():.4f}")

# 2. Small values without a scale, and FP8 vs INT8 on a tensor with one outlier.
w = torch.randn(4096) * 1e-3  # typical magnitude of small weights / activations
raw = ((w.to(E4M3).float() - w).norm() / w.norm()).item()
scaled = ((fp8_roundtrip(w, E4M3) - w).norm() / w.norm()).item()
assert scaled < raw / 5
print(f"values ~1e-3: E4M3 rel err {raw:.3f} without a scale, {scaled:.3f} with amax scaling")

a = torch.randn(4096)
a[0] = 200.0  # one outlier sets the per-tensor scale
int8 = (a / (a.abs().max() / 127)).round() * (a.abs().max() / 127)
err_int8 = ((int8 - a)[1:].norm() / a[1:].norm()).item()
err_fp8 = ((fp8_roundtrip(a, E4M3) - a)[1:].norm() / a[1:].norm()).item()
assert err_fp8 < err_int8 / 3
print(f"outlier 200 in N(0,1), error on the other values: INT8 {err_int8:.3f}, E4M3 {err_fp8:.3f}")

# 3. Scaled FP8 matmul: y = (a_fp8 · s_a) @ (b_fp8 · s_b), accumulated in higher precision.
M, K, N = 64, 256, 128  # on CUDA, K and N must be multiples of 16
B = torch.randn(K, N)
recipes = {
    "per-tensor": (ScalingType.TensorWise, lambda T, dim: T.abs().max() / 448),
    "per-row": (ScalingType.RowWise, lambda T, dim: T.abs().amax(dim, keepdim=True) / 448),
}


def fp8_mm(A, B, recipe, device="cpu"):
    """A per row (or tensor), B per column (or tensor): F.scaled_mm and the dequantized ref."""
    kind, scale_of = recipes[recipe]
    s_a, s_b = scale_of(A, 1), scale_of(B, 0)  # (M, 1) and (1, N) for RowWise
    A8, B8 = (A / s_a).to(E4M3), (B / s_b).to(E4M3)
    ref = (A8.double() * s_a.double()) @ (B8.double() * s_b.double())  # dequantize, then matmul
    b_col_major = B8.to(device).t().contiguous().t()  # the second operand must be column-major
    y = F.scaled_mm(
        A8.to(device), b_col_major, s_a.float().to(device), kind, s_b.float().to(device), kind,
        output_dtype=torch.bfloat16,
    )  # fmt: skip
    kernel_diff = ((y.double().cpu() - ref).abs().max() / ref.abs().max()).item()
    return ref, kernel_diff


print("FP8 (E4M3) matmul, rel err vs float64 on rows 1-63; in brackets F.scaled_mm vs dequantized")
for boost in (1.0, 1e2, 1e5):
    A = torch.randn(M, K)
    A[0] *= boost  # one token with much larger activations than the others
    exact = A.double() @ B.double()
    errs, kdiffs = {}, []
    for recipe in recipes:
        ref, kdiff = fp8_mm(A, B, recipe)
        assert kdiff < 4e-3, kdiff  # bf16 output rounding only (2^-8 = 3.9e-3)
        errs[recipe] = ((ref - exact)[1:].norm() / exact[1:].norm()).item()
        kdiffs.append(kdiff)
    print(
        f"  row 0 x{boost:<6g} per-tensor {errs['per-tensor']:.3f}, per-row {errs['per-row']:.3f}"
        f"  (F.scaled_mm on CPU: {max(kdiffs):.1e})"
    )
    assert 0.03 < errs["per-row"] < 0.045  # the 3-bit mantissa's rounding, whatever the ranges
    if boost <= 1e2:
        assert abs(errs["per-tensor"] - errs["per-row"]) < 0.005  # E4M3's exponent covers 100x
    else:
        assert errs["per-tensor"] > 5 * errs["per-row"]  # ordinary rows underflow

# 4. The same call on FP8 tensor cores (NVIDIA compute capability >= 8.9; ROCm uses e4m3fnuz).
on_nvidia = torch.cuda.is_available() and torch.version.hip is None
if on_nvidia and torch.cuda.get_device_capability() >= (8, 9):
    A = torch.randn(M, K)
    for recipe in recipes:
        _, kdiff = fp8_mm(A, B, recipe, device="cuda")
        assert kdiff < 4e-3, kdiff
        print(f"F.scaled_mm {recipe} on {torch.cuda.get_device_name()}: vs dequantized {kdiff:.1e}")
else:
    print("FP8 tensor cores (NVIDIA, compute capability >= 8.9) not available: GPU part skipped")
