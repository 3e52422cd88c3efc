"""RoPE beyond the training length, and the frequency rescalings that bring it back.

1. A head of dimension 128 (base 10000) trained on 4096 tokens, run at 16384 (s = 4). Pair i
   rotates by p·θ_i. A pair whose angle never completed a full turn in training (θ_i·4096 < 2π)
   sees angles at p > 4096 that it never saw: plain extrapolation. Position interpolation (PI),
   NTK-aware scaling, YaRN and Llama 3.1's "llama3" rule each keep every such pair inside its
   trained range; they differ in what they do to the fast pairs that carry local order.
2. The same rules written by hand and compared with transformers' ROPE_INIT_FUNCTIONS, using
   the rope settings published in Llama 2 / Llama 3.1 / Qwen3 configs.
"""

import math
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import LlamaConfig
from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS


def rope_freqs(base, d):
    """θ_i = base^(-2i/d), i = 0 .. d/2-1 (float64)."""
    return base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)


def pi_freqs(base, d, s):  # Chen et al. 2023: positions p -> p/s, i.e. every θ_i / s
    return rope_freqs(base, d) / s


def ntk_freqs(base, d, alpha):  # NTK-aware: a larger base, slowest pair slowed by exactly alpha
    return rope_freqs(base * alpha ** (d / (d - 2)), d)


def yarn_freqs(base, d, s, L_train, beta_fast=32.0, beta_slow=1.0):
    """YaRN: pairs that turn > beta_fast times in L_train keep θ; pairs that turn < beta_slow
    times are interpolated (θ/s); linear ramp over the pair index in between. Returns the
    frequencies and the attention temperature factor 0.1·ln(s) + 1 applied to cos/sin."""
    theta = rope_freqs(base, d)

    def pair_index(turns):  # the (fractional) pair whose θ·L_train equals turns·2π
        return d * math.log(L_train / (turns * 2 * math.pi)) / (2 * math.log(base))

    lo = max(math.floor(pair_index(beta_fast)), 0)
    hi = min(math.ceil(pair_index(beta_slow)), d - 1)
    ramp = ((torch.arange(d // 2, dtype=torch.float64) - lo) / (hi - lo)).clamp(0, 1)
    return theta * (1 - ramp) + theta / s * ramp, 0.1 * math.log(s) + 1


def llama3_freqs(base, d, factor, L_orig, low_freq_factor=1.0, high_freq_factor=4.0):
    """Llama 3.1: wavelength < L_orig/high_freq_factor: keep; > L_orig/low_freq_factor: θ/factor;
    in between, blend the two with weight (L_orig/wavelength - low) / (high - low)."""
    theta = rope_freqs(base, d)
    wavelen = 2 * math.pi / theta
    smooth = (L_orig / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    out = (1 - smooth) * theta / factor + smooth * theta
    out = torch.where(wavelen < L_orig / high_freq_factor, theta, out)
    return torch.where(wavelen > L_orig / low_freq_factor, theta / factor, out)


# 1. Angles at 16K for a model trained on 4K.
d, base, L_train, s = 128, 10000.0, 4096, 4
L_new = s * L_train
theta = rope_freqs(base, d)
trained_max = theta * L_train  # (about) the largest angle each pair saw in training
partial = trained_max < 2 * math.pi  # pairs that never completed a turn
i0 = int(partial.nonzero()[0])  # fastest pair that never completed a turn
alpha_all = s ** ((d - 2) / (2 * i0))  # NTK alpha that slows even pair i0 by s
methods = {
    "none (extrapolate)": theta,
    "PI, linear s=4": pi_freqs(base, d, s),
    "NTK-aware, alpha=4": ntk_freqs(base, d, s),
    f"NTK-aware, alpha={alpha_all:.1f}": ntk_freqs(base, d, alpha_all),
    "YaRN, s=4": yarn_freqs(base, d, s, L_train)[0],
    "llama3, factor 4": llama3_freqs(base, d, s, L_train),
}
print(f"head_dim {d}, base {base:g}, trained on {L_train}, run at {L_new} tokens")
print(f"{int(partial.sum())} of {d // 2} pairs never completed a full turn in training")
print(f"{'':21} pairs out of range  worst angle/trained  fastest pair's step")
unseen = {}
for name, f in methods.items():
    ratio = (f * L_new / trained_max)[partial]
    unseen[name] = int((ratio > 1 + 1e-12).sum())
    print(f"{name:21} {unseen[name]:>18}  {ratio.max():>19.2f}  {f[0] / theta[0]:>18.2f}x")
names = list(methods)
assert unseen[names[0]] == int(partial.sum())  # plain extrapolation: every slow pair
assert 0 < unseen[names[2]] < unseen[names[0]]  # NTK with alpha = s fixes only the slowest pair
assert all(unseen[k] == 0 for k in names[1:2] + names[3:])  # the others keep all in range
assert methods[names[1]][0] == theta[0] / s  # PI also slows the fastest pair 4x
assert all(abs(methods[k][0] / theta[0] - 1) < 1e-12 for k in names[2:])  # the rest keep it


# 2. Hand-written frequencies vs transformers, with published rope settings.
def hf(rope_parameters, max_pos, **kw):
    config = LlamaConfig(
        hidden_size=256,
        num_attention_heads=2,
        head_dim=128,
        max_position_embeddings=max_pos,
        rope_parameters=rope_parameters,
    )
    freqs, attn_factor = ROPE_INIT_FUNCTIONS[rope_parameters["rope_type"]](config, "cpu", **kw)
    return freqs.double(), attn_factor


def rel_diff(a, b):
    return ((a - b).abs() / b).max().item()


checks = []
f, _ = hf({"rope_type": "linear", "rope_theta": 1e4, "factor": 4.0}, 16384)
checks.append(("linear (PI), Llama 2 base", rel_diff(pi_freqs(1e4, 128, 4), f)))
L_dyn, factor = 16384, 2.0  # HF "dynamic": NTK with alpha = factor·L/L_train - (factor-1)
f, _ = hf({"rope_type": "dynamic", "rope_theta": 1e4, "factor": factor}, 4096, seq_len=L_dyn)
alpha = factor * L_dyn / 4096 - (factor - 1)
checks.append((f"dynamic NTK at {L_dyn}", rel_diff(ntk_freqs(1e4, 128, alpha), f)))
qwen3 = {"rope_type": "yarn", "rope_theta": 1e6, "factor": 4.0}
f, a = hf({**qwen3, "original_max_position_embeddings": 32768}, 131072)
ours, ours_a = yarn_freqs(1e6, 128, 4.0, 32768)
assert abs(a - ours_a) < 1e-12  # attention factor 0.1·ln 4 + 1
checks.append(("yarn, Qwen3 (factor 4)", rel_diff(ours, f)))
llama31 = {"rope_type": "llama3", "rope_theta": 5e5, "factor": 8.0, "low_freq_factor": 1.0}
f, _ = hf({**llama31, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}, 131072)
checks.append(("llama3, Llama 3.1", rel_diff(llama3_freqs(5e5, 128, 8.0, 8192), f)))
print("hand-written θ vs transformers ROPE_INIT_FUNCTIONS (float32), max relative diff:")
for name, diff in checks:
    assert diff < 1e-6, (name, diff)
    print(f"  {name:28} {diff:.1e}")
print(f"  yarn attention factor 0.1·ln(4)+1 = {ours_a:.4f} (same in transformers)")
