# verify: cuda
"""FlashAttention's algorithm in plain PyTorch: tiling, online softmax, recomputation.

Forward: for each block of queries, stream over blocks of keys/values, keeping only a running
max m, a running sum l and an output accumulator; the T x T score matrix is never built.
Backward: recompute each score block from Q, K and the saved log-sum-exp instead of storing P.
Both are checked against naive attention (float64). On CUDA, SDPA's flash backend (forward
and gradients) is also checked against an fp32 reference and against standard attention
computed in the same fp16/bf16 precision.
"""

import math

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

torch.manual_seed(0)
largest = 0  # numel of the largest score/probability tile built
skipped = 0  # key tiles the causal forward never touches


def flash_forward(q, k, v, Br=16, Bc=16, causal=True):
    """q, k, v: (T, d). Returns the output (T, d) and the log-sum-exp lse (T,) kept for backward."""
    global largest, skipped
    T, d = q.shape
    scale = 1 / math.sqrt(d)
    out, lse = torch.empty_like(q), torch.empty(T, dtype=q.dtype)
    for i in range(0, T, Br):  # one query block at a time (one thread block on a GPU)
        qi = q[i : i + Br]
        m = torch.full((qi.shape[0],), float("-inf"), dtype=q.dtype)  # running row max
        row_sum = torch.zeros(qi.shape[0], dtype=q.dtype)  # running row sum of exp
        acc = torch.zeros_like(qi)  # running, unnormalized output
        for j in range(0, T, Bc):
            if causal and j > i + qi.shape[0] - 1:
                skipped += 1  # the whole key block lies in the future: skip it
                continue
            s = qi @ k[j : j + Bc].T * scale  # (Br, Bc) tile
            if causal:
                rows = torch.arange(i, i + qi.shape[0])[:, None]
                cols = torch.arange(j, j + s.shape[1])[None, :]
                s = s.masked_fill(cols > rows, float("-inf"))
            largest = max(largest, s.numel())
            m_new = torch.maximum(m, s.max(dim=1).values)
            p = torch.exp(s - m_new[:, None])
            correction = torch.exp(m - m_new)  # rescale what was accumulated with the old max
            row_sum = correction * row_sum + p.sum(dim=1)
            acc = correction[:, None] * acc + p @ v[j : j + Bc]
            m = m_new
        out[i : i + Br] = acc / row_sum[:, None]  # normalize once, at the end
        lse[i : i + Br] = m + torch.log(row_sum)
    return out, lse


def flash_backward(q, k, v, out, lse, dO, Br=16, Bc=16, causal=True):
    """Gradients without a stored P: each tile P = exp(S - lse) is recomputed from Q, K and lse."""
    global largest
    T, d = q.shape
    scale = 1 / math.sqrt(d)
    dq, dk, dv = torch.zeros_like(q), torch.zeros_like(k), torch.zeros_like(v)
    D = (dO * out).sum(dim=1)  # rowsum(dO * O) = rowsum(dP * P), one number per query
    for j in range(0, T, Bc):  # one key block at a time
        kj, vj = k[j : j + Bc], v[j : j + Bc]
        for i in range(0, T, Br):
            if causal and j > i + Br - 1:
                continue
            s = q[i : i + Br] @ kj.T * scale
            if causal:
                rows = torch.arange(i, i + s.shape[0])[:, None]
                cols = torch.arange(j, j + s.shape[1])[None, :]
                s = s.masked_fill(cols > rows, float("-inf"))
            p = torch.exp(s - lse[i : i + Br, None])  # recomputed, already normalized
            largest = max(largest, p.numel())
            dv[j : j + Bc] += p.T @ dO[i : i + Br]
            dp = dO[i : i + Br] @ vj.T
            ds = p * (dp - D[i : i + Br, None])  # softmax backward
            dq[i : i + Br] += ds @ kj * scale
            dk[j : j + Bc] += ds.T @ q[i : i + Br] * scale
    return dq, dk, dv


T, d, Br, Bc = 256, 32, 16, 16
q, k, v = (torch.randn(T, d, dtype=torch.float64, requires_grad=True) for _ in range(3))
dO = torch.randn(T, d, dtype=torch.float64)

# Reference: naive attention with the full T x T matrix, and autograd for the gradients.
S = q @ k.T / math.sqrt(d)
S = S.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
out_ref = S.softmax(dim=-1) @ v
out_ref.backward(dO)
with sdpa_kernel(SDPBackend.FLASH_ATTENTION):  # forced: raises instead of falling back
    sdpa = F.scaled_dot_product_attention(*(t[None, None] for t in (q, k, v)), is_causal=True)[0, 0]

with torch.no_grad():
    out, lse = flash_forward(q, k, v, Br, Bc)
    dq, dk, dv = flash_backward(q, k, v, out, lse, dO, Br, Bc)
err_fwd = max((out - out_ref).abs().max().item(), (out - sdpa).abs().max().item())
err_bwd = max((a - b.grad).abs().max().item() for a, b in [(dq, q), (dk, k), (dv, v)])
assert err_fwd < 1e-12 and err_bwd < 1e-12
n_tiles = (T // Br) * (T // Bc)
assert largest == Br * Bc < T * T
assert skipped == (T // Br) * (T // Br - 1) // 2  # the tiles strictly above the diagonal
print(f"T={T}, d={d}, blocks {Br}x{Bc}, causal, float64")
print(f"forward  (tiled, online softmax) vs naive and SDPA flash backend: max |diff| {err_fwd:.0e}")
print(f"backward (recomputed tiles)      vs autograd of naive attention: max |diff| {err_bwd:.0e}")
print(f"largest score tile: {largest} values (a {Br}x{Bc} block); naive builds {T * T}")
print(f"causal: {skipped} of {n_tiles} tiles skipped entirely by the forward pass (counted)")
saved = out.numel() + lse.numel()
print(f"saved for backward: O and logsumexp = {saved} values, instead of P = {T * T}")

# GPU only: SDPA's FlashAttention kernel, forward and gradients. Reference: fp32 attention (math
# backend on fp32 copies of the inputs). Baseline: standard attention computed in fp16/bf16 (math
# backend with fp16/bf16 reduction allowed; by default it upcasts to fp32 internally). As in
# FlashAttention's own tests, the flash error must be at most 2x the baseline's error, plus 2x the
# error of merely rounding the fp32 reference to fp16/bf16 (the floor any fp16/bf16 output has);
# and relative to the largest reference value it must stay below 1e-2 (fp16) or 5e-2 (bf16).
if torch.cuda.is_available() and torch.cuda.get_device_capability() >= (8, 0):

    def attention_and_grads(backend, q, k, v, dout):
        q, k, v = (t.detach().requires_grad_() for t in (q, k, v))
        with sdpa_kernel(backend):  # raises if this backend cannot run these inputs
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return [o, *torch.autograd.grad(o, (q, k, v), dout)]

    for dtype, bound in [(torch.float16, 1e-2), (torch.bfloat16, 5e-2)]:
        qg, kg, vg, dout = (
            torch.randn(2, 16, 2048, 128, device="cuda", dtype=dtype) for _ in range(4)
        )
        flash = attention_and_grads(SDPBackend.FLASH_ATTENTION, qg, kg, vg, dout)
        ref = attention_and_grads(SDPBackend.MATH, *(t.float() for t in (qg, kg, vg, dout)))
        previous = torch.backends.cuda.fp16_bf16_reduction_math_sdp_allowed()
        torch.backends.cuda.allow_fp16_bf16_reduction_math_sdp(True)
        try:
            lowp = attention_and_grads(SDPBackend.MATH, qg, kg, vg, dout)
        finally:
            torch.backends.cuda.allow_fp16_bf16_reduction_math_sdp(previous)
        parts = []
        for name, f, r, b in zip(["out", "dq", "dk", "dv"], flash, ref, lowp, strict=True):
            err = (f.float() - r).abs().max().item()
            err_lowp = (b.float() - r).abs().max().item()
            err_round = (r.to(dtype).float() - r).abs().max().item()
            scale = r.abs().max().item()
            assert err <= 2 * err_lowp + 2 * err_round, (dtype, name, err, err_lowp, err_round)
            assert err < bound * scale, (dtype, name, err, scale)
            parts.append(f"{name} {err / scale:.0e} ({err_lowp / scale:.0e})")
        lbl = str(dtype).removeprefix("torch.")
        print(f"CUDA {lbl}: flash vs fp32, max |diff| / max |ref| (standard attention in {lbl}):")
        print("    " + ", ".join(parts))
