"""Training-compute arithmetic for real models, checked against the numbers their papers state.

1. C ≈ 6·N·D for GPT-3, Chinchilla and Llama 3 405B, against the FLOPs each paper reports.
2. Compute -> GPU-hours: the published H100/H800 GPU-hours of Llama 3.1 405B and DeepSeek-V3
   imply an average throughput, compared with the MFU range the Llama 3 paper reports.
3. Tokens per parameter: Chinchilla (~20), Llama 3 405B, Llama 3 8B.
4. Compute-optimal allocation: the "D = 20·N" rule, Llama 3's own fit, and the closed-form
   Chinchilla frontier (Approach 3) with the constants printed in the paper versus the
   Epoch AI refit: the printed constants do not give ~20 tokens per parameter.
Everything is arithmetic on published figures; nothing here is fitted.
"""

H100_BF16_DENSE = 989e12  # FLOP/s, dense BF16 peak of an H100 SXM (the H800 has the same peak)

# (name, parameters N, training tokens D, FLOPs the paper states)
runs = [
    ("GPT-3 175B", 175e9, 300e9, 3.14e23),  # Brown et al. 2020
    ("Chinchilla 70B", 70e9, 1.4e12, 5.76e23),  # Hoffmann et al. 2022: Gopher's budget
    ("Llama 3 405B", 405e9, 15.6e12, 3.8e25),  # Llama 3 paper
]
print(f"{'model':16s}{'6ND':>10s}{'stated':>10s}{'ratio':>7s}{'tokens/param':>14s}")
for name, n, d, stated in runs:
    c = 6 * n * d
    print(f"{name:16s}{c:10.2e}{stated:10.2e}{c / stated:7.3f}{d / n:14.1f}")
    assert abs(c / stated - 1) < 0.03, "6ND matches the published compute within 3%"
print(f"{'Llama 3 8B':16s}{6 * 8e9 * 15e12:10.2e}{'-':>10s}{'-':>7s}{15e12 / 8e9:14.1f}")
assert 300e9 / 175e9 < 2 < 20 < 15e12 / 8e9  # GPT-3 under 2 tokens/param; Llama 3 8B far past 20


def gpu_hours(flops: float, mfu: float, peak: float = H100_BF16_DENSE) -> float:
    return flops / (mfu * peak) / 3600


# Published GPU-hours: Llama 3.1 405B 30.84M H100-hours (model card); DeepSeek-V3 pre-training
# 2.664M H800-hours for 14.8T tokens with 37B activated parameters per token (MoE: count active).
c_405b = 6 * 405e9 * 15.6e12
c_v3 = 6 * 37e9 * 14.8e12
print(
    f"Llama 3 405B at 40% MFU: {gpu_hours(c_405b, 0.40) / 1e6:.1f}M H100-hours; published: 30.84M"
)
for name, c, hours in [("Llama 3.1 405B", c_405b, 30.84e6), ("DeepSeek-V3", c_v3, 2.664e6)]:
    achieved = c / (hours * 3600)
    print(
        f"{name}: 6ND = {c:.2e}, {hours / 1e6:.2f}M GPU-hours -> {achieved / 1e12:.0f} TFLOP/s"
        f" per GPU on average = {achieved / H100_BF16_DENSE:.0%} of the BF16 dense peak"
    )
    assert 0.30 < achieved / H100_BF16_DENSE < 0.43  # below the 38-43% MFU of the best stages

# Compute-optimal allocation for Llama 3 405B's budget.
C = 3.8e25
n20 = (C / (6 * 20)) ** 0.5  # D = 20N and C = 6ND  =>  N = sqrt(C / 120)
print(f"D = 20N at C = {C:.1e}: N = {n20 / 1e9:.0f}B, D = {20 * n20 / 1e12:.1f}T")
print(
    f"Llama 3's own scaling law: 402B on 16.55T ({16.55e12 / 402e9:.0f} tokens/param);"
    f" 6ND of that = {6 * 402e9 * 16.55e12:.2e}"
)
assert n20 > 500e9 and 16.55e12 / 402e9 > 40  # different data, different optimum


def chinchilla_frontier(c, E, A, B, alpha, beta):
    """Minimize E + A/N^alpha + B/D^beta subject to 6ND = C (Hoffmann et al., eq. 4)."""
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    n = G * (c / 6) ** (beta / (alpha + beta))
    return n, c / (6 * n)


printed = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)  # as printed in the paper
refit = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)  # Besiroglu et al. 2024
print("Chinchilla Approach 3 frontier, tokens per parameter at budget C:")
print(f"{'C':>9s}{'printed fit':>13s}{'Epoch refit':>13s}")
for c in (1e21, 5.76e23, 3.8e25):
    ratios = [d / n for n, d in (chinchilla_frontier(c, **p) for p in (printed, refit))]
    print(f"{c:9.2e}{ratios[0]:13.0f}{ratios[1]:13.0f}")
n_p, d_p = chinchilla_frontier(5.76e23, **printed)
n_r, d_r = chinchilla_frontier(5.76e23, **refit)
assert d_p / n_p > 50, "the printed, rounded constants do not reproduce ~20 tokens/param"
assert 15 < d_r / n_r < 35, "the refit agrees with Approaches 1 and 2 (~20)"
