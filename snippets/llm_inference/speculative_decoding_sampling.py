"""Speculative sampling (Leviathan et al. 2023, Chen et al. 2023) by hand: the output
distribution is exactly the target's, and a draft token is accepted with probability 1 - TV(p, q).

Toy "models": a target p and a draft q over 4 tokens, each a bigram table P(next | previous)
(random, fixed seed), so the exact distribution of every 3-token continuation is known. Each
round the draft samples gamma = 2 tokens; the target accepts token x with probability
min(1, p(x)/q(x)); at the first rejection it samples from norm(max(0, p - q)) and the round
ends; if every draft token is accepted it samples one bonus token from p.

Statistics: N samples, a fixed seed (so the printed numbers never change), and for each of the
64 possible sequences the z-score (count/N - p) / sqrt(p(1-p)/N). The check is max |z| < 5.
For a correct sampler and a fresh seed, the exact binomial tails of the 64 cells add up to
below 2e-4 (the rarest cell, p = 1.6e-4, expects only ~6 counts, so the normal approximation's
6e-7 per cell would be far too optimistic). Two wrong samplers must fail it: the draft alone,
and the common bug of sampling from p (instead of the residual) after a rejection. A third
variant, "accept the draft token only if the target's own sample equals it", is lossless but
accepts with probability sum(p*q) instead of sum(min(p, q)).
"""

import itertools
import math
import random

import torch

V, L, GAMMA, N = 4, 3, 2, 40_000
torch.manual_seed(0)
base = torch.randn(V + 1, V, dtype=torch.float64)  # row V is the start context
P = base.softmax(-1).tolist()  # target
Q = (base + torch.randn(V + 1, V, dtype=torch.float64)).softmax(-1).tolist()  # draft
START = V
rng = random.Random(0)  # noqa: S311 - sampling, not cryptography
target_passes = 0


def sample(dist):
    return rng.choices(range(V), weights=dist)[0]


def speculative_sample(length=L, gamma=GAMMA, stats=None, mode="residual"):
    """mode: "residual" (correct), "resample_p" (bug) or "match" (lossless, wasteful)."""
    global target_passes
    seq = [START]
    while len(seq) - 1 < length:
        k = min(gamma, length - (len(seq) - 1))
        drafts, ctx = [], seq[-1]
        for _ in range(k):  # draft: k cheap sequential samples
            x = sample(Q[ctx])
            drafts.append(x)
            ctx = x
        target_passes += 1  # one target pass gives p(. | prefix) at all k + 1 positions
        ctx = seq[-1]
        for i, x in enumerate(drafts):
            p, q = P[ctx], Q[ctx]
            if mode == "match":  # the target samples y ~ p; keep x only if y == x
                y = sample(p)
                ok = y == x
            else:
                ok = rng.random() < min(1.0, p[x] / q[x])
            if stats is not None and i == 0 and ctx == START:
                stats.append(ok)
            if not ok:  # rejected: sample from the residual and end the round
                if mode == "residual":
                    seq.append(sample([max(0.0, a - b) for a, b in zip(p, q, strict=True)]))
                elif mode == "resample_p":  # BUG: tokens the draft favors are counted twice
                    seq.append(sample(p))
                else:
                    seq.append(y)
                break
            seq.append(x)
            ctx = x
        else:
            seq.append(sample(P[ctx]))  # all accepted: one bonus token from the target
    return tuple(seq[1 : length + 1])


def exact(table, s):
    return math.prod(table[a][b] for a, b in zip((START,) + s, s, strict=False))


def max_z(counts, n, table):
    cells = list(itertools.product(range(V), repeat=L))
    assert abs(sum(exact(table, s) for s in cells) - 1) < 1e-12
    z = [(counts.get(s, 0) / n - exact(table, s)) / math.sqrt(
        exact(table, s) * (1 - exact(table, s)) / n) for s in cells]  # fmt: skip
    tv = 0.5 * sum(abs(counts.get(s, 0) / n - exact(table, s)) for s in cells)
    return max(abs(v) for v in z), tv


first_accept = []
counts = {}
for _ in range(N):
    s = speculative_sample(stats=first_accept)
    counts[s] = counts.get(s, 0) + 1
correct_passes = target_passes
z, tv = max_z(counts, N, P)
assert z < 5
print(f"speculative sampling, {N:,} samples of {L} tokens ({V**L} possible sequences):")
print(f"  vs target p: max |z| = {z:.2f} (< 5), TV(empirical, p) = {tv:.4f}")
draft_only = {}
for _ in range(N):  # what you get if you keep every draft token: the draft's distribution
    seq, ctx = [], START
    for _ in range(L):
        ctx = sample(Q[ctx])
        seq.append(ctx)
    draft_only[tuple(seq)] = draft_only.get(tuple(seq), 0) + 1
z_q, tv_q = max_z(draft_only, N, P)
assert z_q > 5
print(f"  draft alone vs p: max |z| = {z_q:.1f}, TV = {tv_q:.3f}  (fails, as it should)")
wrong, match, match_accept = {}, {}, []
for _ in range(N):
    s = speculative_sample(mode="resample_p")
    wrong[s] = wrong.get(s, 0) + 1
    s = speculative_sample(mode="match", stats=match_accept)
    match[s] = match.get(s, 0) + 1
z_w, tv_w = max_z(wrong, N, P)
assert z_w > 5
print(f"  after a rejection, sample from p (bug): max |z| = {z_w:.1f}, TV = {tv_w:.3f}  (fails)")
z_m, tv_m = max_z(match, N, P)
assert z_m < 5
print(f"  accept only if the target's sample matches: max |z| = {z_m:.2f}, TV = {tv_m:.4f}"
      f"  (lossless too)")  # fmt: skip

# Acceptance rate of the first draft token = sum_x min(p, q) = 1 - TV(p, q)
p0, q0 = P[START], Q[START]
alpha = sum(min(a, b) for a, b in zip(p0, q0, strict=True))
tv_pq = 0.5 * sum(abs(a - b) for a, b in zip(p0, q0, strict=True))
assert abs(alpha - (1 - tv_pq)) < 1e-12
rate = sum(first_accept) / len(first_accept)
sigma = math.sqrt(alpha * (1 - alpha) / len(first_accept))
assert abs(rate - alpha) < 5 * sigma
print(f"first draft token accepted: {rate:.4f} measured vs 1 - TV(p, q) = {alpha:.4f} "
      f"(|diff| {abs(rate - alpha):.4f} < 5 sigma = {5 * sigma:.4f})")  # fmt: skip
beta = sum(a * b for a, b in zip(p0, q0, strict=True))  # P(y == x), y ~ p, x ~ q independent
rate_m = sum(match_accept) / len(match_accept)
assert abs(rate_m - beta) < 5 * math.sqrt(beta * (1 - beta) / len(match_accept))
assert beta < alpha and rate_m < rate  # sum(min(p, q)) is the most any lossless rule can get
print(f"  match rule: accepted {rate_m:.4f} measured vs sum(p*q) = {beta:.4f}, "
      f"below min(1, p/q)'s {alpha:.4f}")  # fmt: skip
print(f"target passes: {correct_passes:,} for {N * L:,} tokens "
      f"({N * L / correct_passes:.2f} tokens per pass instead of 1)")  # fmt: skip

# Expected tokens per target pass when every draft token is accepted with the same alpha:
# (1 - alpha^(gamma+1)) / (1 - alpha). Exact for a context-free (unigram) p and q.
P = [P[START]] * (V + 1)  # every context now has the start context's distribution
Q = [Q[START]] * (V + 1)
for gamma in (2, 4, 8):
    target_passes = 0
    n_tokens = 20_000 * (gamma + 1)
    speculative_sample(length=n_tokens, gamma=gamma)
    measured = n_tokens / target_passes
    formula = (1 - alpha ** (gamma + 1)) / (1 - alpha)
    # ~28,000-59,000 rounds: relative standard error 0.24-0.30%, so 1% is > 3 of them
    assert abs(measured - formula) / formula < 0.01
    print(f"  gamma={gamma}: {measured:.3f} tokens per target pass, formula {formula:.3f}")
