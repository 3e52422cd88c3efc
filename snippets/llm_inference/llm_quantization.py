"""GPTQ against round-to-nearest, and SmoothQuant against an outlier activation channel.

1. GPTQ (Frantar et al. 2022), written column by column: quantize one input column of W, then
   spread its rounding error over the columns not yet quantized, weighted by the inverse of the
   Hessian H = 2·XᵀX of the layer's squared output error. The explicit version (downdate H⁻¹
   after every column) is checked against the paper's Cholesky form; GPTQ is compared with
   round-to-nearest (RTN) at 4 bits on a linear layer whose calibration inputs are correlated,
   and on one whose input channels are independent (then GPTQ gains almost nothing).
2. SmoothQuant (Xiao et al. 2022): one activation channel ~60x larger than the others ruins
   per-tensor INT8 activation quantization. Dividing X by s and multiplying W by s per input
   channel, s_j = max|X_j|^α / max|W_j|^(1-α), leaves X·Wᵀ unchanged in float and makes W8A8
   much more accurate.
Everything is a synthetic layer in float64; the numbers illustrate the mechanisms only.
"""

import torch

torch.manual_seed(0)
d_in, d_out, n_calib = 128, 64, 2048


def quantize_rows(w, scale, bits):
    """Symmetric integer grid, one scale per output row: round(w/scale) clipped, times scale."""
    qmax = 2 ** (bits - 1) - 1
    return (w / scale).round().clamp(-qmax - 1, qmax) * scale


def gptq(W, X, bits, damp=0.01):
    """Quantize W (d_out, d_in) column by column with inverse-Hessian error compensation."""
    W = W.clone()
    scale = W.abs().amax(dim=1, keepdim=True) / (2 ** (bits - 1) - 1)  # fixed before updates
    H = 2 * X.T @ X / len(X)
    H += damp * H.diag().mean() * torch.eye(len(H), dtype=H.dtype)  # dampening, as in the paper
    Hinv = torch.linalg.inv(H)
    Q = torch.zeros_like(W)
    for j in range(W.shape[1]):
        Q[:, j] = quantize_rows(W[:, j : j + 1], scale, bits).squeeze(1)
        err = (W[:, j] - Q[:, j]) / Hinv[j, j]
        W[:, j + 1 :] -= err[:, None] * Hinv[j, j + 1 :][None, :]  # OBS update of the rest
        Hinv -= Hinv[:, j : j + 1] @ Hinv[j : j + 1, :] / Hinv[j, j]  # remove column j from H⁻¹
    return Q


def gptq_cholesky(W, X, bits, damp=0.01):
    """The paper's form: the rows of the upper Cholesky factor of H⁻¹ replace the downdates."""
    W = W.clone()
    scale = W.abs().amax(dim=1, keepdim=True) / (2 ** (bits - 1) - 1)
    H = 2 * X.T @ X / len(X)
    H += damp * H.diag().mean() * torch.eye(len(H), dtype=H.dtype)
    U = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)
    Q = torch.zeros_like(W)
    for j in range(W.shape[1]):
        Q[:, j] = quantize_rows(W[:, j : j + 1], scale, bits).squeeze(1)
        err = (W[:, j] - Q[:, j]) / U[j, j]
        W[:, j + 1 :] -= err[:, None] * U[j, j + 1 :][None, :]
    return Q


# Correlated inputs: 16 latent factors mixed into 128 channels, plus a little noise.
mix = torch.randn(16, d_in, dtype=torch.float64)


def make_inputs(n):
    z = torch.randn(n, 16, dtype=torch.float64)
    return z @ mix + 0.1 * torch.randn(n, d_in, dtype=torch.float64)


X_calib, X_test = make_inputs(n_calib), make_inputs(1024)  # held-out inputs, same distribution
W = torch.randn(d_out, d_in, dtype=torch.float64) / d_in**0.5

bits = 4
rtn = quantize_rows(W, W.abs().amax(dim=1, keepdim=True) / (2 ** (bits - 1) - 1), bits)
Q = gptq(W, X_calib, bits)
Q_chol = gptq_cholesky(W, X_calib, bits)
n_differ = int(((Q - Q_chol).abs() > 1e-9).sum())
assert n_differ == 0, n_differ  # the explicit downdates and the Cholesky form pick the same points


def out_err(Wq, X):  # relative error of the layer output X·Wᵀ
    return ((X @ (W - Wq).T).norm() / (X @ W.T).norm()).item()


w_err = lambda Wq: ((W - Wq).norm() / W.norm()).item()  # noqa: E731
print(f"INT{bits} per-channel, d_in={d_in}, correlated calibration inputs (synthetic layer)")
print(f"  explicit H^-1 downdates vs Cholesky form: {n_differ} of {Q.numel()} grid points differ")
print(f"  {'':4} weight err  output err (calib)  output err (held-out)")
for name, Wq in (("RTN", rtn), ("GPTQ", Q)):
    print(
        f"  {name:4} {w_err(Wq):10.4f}  {out_err(Wq, X_calib):18.4f}  {out_err(Wq, X_test):21.4f}"
    )
assert out_err(Q, X_calib) < 0.5 * out_err(rtn, X_calib)
assert out_err(Q, X_test) < 0.5 * out_err(rtn, X_test)  # not just fitted to the calibration set
assert w_err(Q) > w_err(rtn)  # GPTQ moves weights further from W to cancel output error

# Independent input channels: H is nearly diagonal, nothing to cancel with, GPTQ ~ RTN.
g = torch.Generator().manual_seed(1)  # own stream: part 2's data stays as it was
X_iid, X_iid_test = (
    torch.randn(n, d_in, dtype=torch.float64, generator=g) for n in (n_calib, 1024)
)
Q_iid = gptq(W, X_iid, bits)
pairs = [(out_err(rtn, X_), out_err(Q_iid, X_)) for X_ in (X_iid, X_iid_test)]
assert all(abs(g / r - 1) < 0.05 for r, g in pairs), pairs  # within 5%, not 4x better
print(
    f"  independent inputs, output err RTN / GPTQ: {pairs[0][0]:.4f} / {pairs[0][1]:.4f} (calib), "
    f"{pairs[1][0]:.4f} / {pairs[1][1]:.4f} (held-out)"
)

# 2. SmoothQuant: an outlier channel in X, per-tensor INT8 activations, per-channel INT8 weights.
X = torch.randn(256, 64, dtype=torch.float64)
X[:, 7] *= 60.0  # a fixed outlier channel, as in LLM activations
Wl = torch.randn(32, 64, dtype=torch.float64) / 8


def w8a8(X, W):
    Xq = quantize_rows(X.flatten()[None], X.abs().max() / 127, 8).view_as(X)  # one scale for X
    Wq = quantize_rows(W, W.abs().amax(dim=1, keepdim=True) / 127, 8)  # one scale per row
    return Xq @ Wq.T


alpha = 0.5
s = X.abs().amax(dim=0) ** alpha / Wl.abs().amax(dim=0) ** (1 - alpha)  # per input channel
X_s, W_s = X / s, Wl * s  # X/s is folded into the previous LayerNorm/RMSNorm weight in practice
Y = X @ Wl.T
float_diff = (X_s @ W_s.T - Y).abs().max().item()
assert float_diff < 1e-12, float_diff  # the transformation alone does not change the layer
err_plain = ((w8a8(X, Wl) - Y).norm() / Y.norm()).item()
err_smooth = ((w8a8(X_s, W_s) - Y).norm() / Y.norm()).item()
assert err_smooth < err_plain / 3
ratio = lambda T: (T.abs().amax(0).max() / T.abs().amax(0).median()).item()  # noqa: E731
print("W8A8, per-tensor activation scale, outlier channel x60 (synthetic layer)")
print("  float output, X·Wᵀ vs (X/s)·(W·s)ᵀ: max diff < 1e-12 (unchanged before quantization)")
print(f"  largest / median channel max of X: {ratio(X):.1f} before, {ratio(X_s):.1f} after")
print(f"  output error: plain {err_plain:.4f}, SmoothQuant (alpha={alpha}) {err_smooth:.4f}")
