"""Where attention's O(n^2) comes from, and three ways around it.

1. FLOPs counted by torch.utils.flop_counter: full attention (SDPA, math backend) grows x4 per
   doubling of T, sliding-window attention x2.
2. Sliding-window attention (each token sees its last W tokens), written with unfold so that
   only T x W scores are computed; checked against SDPA with a band mask. It equals full
   causal attention exactly where the causal context fits in the window, and stacked layers
   see further back: after L layers a token depends on the previous L x (W - 1) tokens.
3. Linear attention (Katharopoulos et al. 2020, feature map elu + 1): the token-by-token
   recurrence with one d x d state S and one d-vector z equals the quadratic form, but it is
   a different function from softmax attention.
"""

import math

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode

torch.manual_seed(0)


def sliding_window_attention(q, k, v, W):
    """q, k, v: (T, d). Query i attends to keys max(0, i-W+1) .. i."""
    T, d = q.shape
    pad = lambda x: F.pad(x, (0, 0, W - 1, 0))  # noqa: E731  W-1 zero rows in front
    k_win = pad(k).unfold(0, W, 1).transpose(1, 2)  # (T, W, d): the W keys query i sees
    v_win = pad(v).unfold(0, W, 1).transpose(1, 2)
    s = (q[:, None, :] @ k_win.transpose(1, 2)).squeeze(1) / math.sqrt(d)  # (T, W)
    valid = torch.arange(W)[None, :] >= (W - 1 - torch.arange(T))[:, None]  # not padding
    s = s.masked_fill(~valid, float("-inf"))
    return (s.softmax(-1)[:, None, :] @ v_win).squeeze(1), s.numel()


# 1. FLOPs of one head (d = 64): full causal attention vs a window of 64 tokens.
def count_flops(fn, *args):
    with FlopCounterMode(display=False) as counter:
        fn(*args)
    return counter.get_total_flops()


flops = {}
for T in (512, 1024, 2048, 4096):
    x = torch.randn(T, 64)
    with sdpa_kernel(SDPBackend.MATH):  # the backend the flop counter can see into
        full = count_flops(
            F.scaled_dot_product_attention, x[None], x[None], x[None], None, 0.0, True
        )
    flops[T] = (full, count_flops(sliding_window_attention, x, x, x, 64))
Ts = sorted(flops)
assert all(flops[2 * t][0] == 4 * flops[t][0] for t in Ts[:-1])  # quadratic
assert all(flops[2 * t][1] == 2 * flops[t][1] for t in Ts[:-1])  # linear
print("MFLOP counted, one head, d=64, T = " + ", ".join(str(t) for t in Ts))
print(
    "  full causal (SDPA):  " + ", ".join(f"{flops[t][0] / 1e6:.1f}" for t in Ts) + "  (x4 per 2T)"
)
print(
    "  sliding window W=64: " + ", ".join(f"{flops[t][1] / 1e6:.1f}" for t in Ts) + "  (x2 per 2T)"
)

# 2. Sliding-window attention, T x W scores only.
T, d, W = 64, 16, 8
q, k, v = (torch.randn(T, d, dtype=torch.float64) for _ in range(3))
ours, n_scores = sliding_window_attention(q, k, v, W)
i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
band = (j <= i) & (j > i - W)  # True = may attend
reference = F.scaled_dot_product_attention(q, k, v, attn_mask=band)
full = F.scaled_dot_product_attention(q, k, v, is_causal=True)
err = (ours - reference).abs().max().item()
fits = (ours[:W] - full[:W]).abs().max().item()  # positions 0..W-1 see all their context
beyond = (ours[W:] - full[W:]).abs().max(dim=1).values
assert err < 1e-12 and fits < 1e-12 and (beyond > 1e-3).all()
print(
    f"sliding window W={W}, T={T}: {n_scores} scores instead of {T * T}; vs SDPA band mask < 1e-12"
)
print(f"= full causal attention for positions 0..{W - 1}; differs at all {T - W} later positions")

# Receptive field through layers: gradient of the last output w.r.t. the inputs.
x = torch.randn(T, d, dtype=torch.float64, requires_grad=True)
h = x
for _ in range(3):
    h = h + sliding_window_attention(h, h, h, W)[0]
h[-1].sum().backward()
earliest = int(torch.nonzero(x.grad.abs().sum(dim=1)).min())
assert earliest == T - 1 - 3 * (W - 1)
print(
    f"3 layers of window {W}: output {T - 1} depends on inputs {earliest}..{T - 1} = 3x(W-1) back"
)


# 3. Linear attention: softmax(q.k) replaced by phi(q).phi(k), phi(x) = elu(x) + 1 > 0.
def phi(x):
    return F.elu(x) + 1


def linear_attention_quadratic(q, k, v):  # builds the T x T matrix, like softmax attention
    a = (phi(q) @ phi(k).T).tril()  # causal
    return (a @ v) / a.sum(dim=1, keepdim=True)


def linear_attention_recurrent(q, k, v):  # O(T), one token at a time, like decoding
    S = torch.zeros(q.shape[1], v.shape[1], dtype=q.dtype)  # S = sum_j phi(k_j) v_j^T, d x d
    z = torch.zeros(q.shape[1], dtype=q.dtype)  # z = sum_j phi(k_j), d
    outs = []
    for t in range(q.shape[0]):
        S = S + torch.outer(phi(k[t]), v[t])  # the whole history lives in S and z
        z = z + phi(k[t])
        outs.append(phi(q[t]) @ S / (phi(q[t]) @ z))
    return torch.stack(outs), S.numel() + z.numel()


lin_q = linear_attention_quadratic(q, k, v)
lin_r, state_size = linear_attention_recurrent(q, k, v)
err_lin = (lin_q - lin_r).abs().max().item()
vs_softmax = (lin_r - full).abs().max().item()
assert err_lin < 1e-12 and vs_softmax > 0.1
assert state_size == d * d + d < 2 * T * d  # fixed state vs a KV cache of T keys and values
print(f"linear attention token by token = quadratic form: max |diff| {err_lin:.0e}")
print(
    f"  state: S ({d}x{d}) + z ({d}) = {state_size} values, fixed; KV cache at T={T}: {2 * T * d}"
)
print(f"... but it is not softmax attention: max |diff| vs softmax {vs_softmax:.2f}")
