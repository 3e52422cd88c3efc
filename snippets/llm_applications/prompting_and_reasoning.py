"""Test-time compute arithmetic: majority voting and best-of-N, with no LLM.

Each "sample" is a draw from a stated distribution, standing in for one sampled reasoning chain.
Samples are independent here; real samples from one model are correlated, so real gains are smaller.
1. Majority vote over n samples, two outcomes (right/wrong), per-sample accuracy p:
   P(majority right) = sum_{k > n/2} C(n,k) p^k (1-p)^(n-k). Written out, checked against
   scipy.stats.binom and a simulation. Above p = 0.5 it climbs to 1, below it falls to 0.
2. Plurality vote over many possible answers (what self-consistency really does): it still helps
   at p = 0.4 if the wrong answers scatter, and hurts if one wrong answer is more likely than the
   right one.
3. Best-of-N with a verifier: perfect verifier gives 1-(1-p)^N. A verifier that accepts right
   answers with probability tpr and wrong ones with probability fpr, picking uniformly among the
   accepted samples, saturates at p*tpr / (p*tpr + (1-p)*fpr), the verifier's precision.
"""

from math import comb

import numpy as np
from scipy.stats import binom

rng = np.random.default_rng(0)
TRIALS = 100_000


def p_majority(p: float, n: int) -> float:  # n odd, so there are no ties
    return sum(comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n // 2 + 1, n + 1))


print("independent toy samples, not an LLM; simulations use 100,000 trials")
ns = (1, 5, 15, 41)
print("majority of n, 2 outcomes  " + "".join(f"{'n=' + str(n):>8s}" for n in ns))
worst_ref = worst_sim = 0.0
for p in (0.4, 0.6, 0.7):
    exact = [p_majority(p, n) for n in ns]
    ref = [binom.sf(n // 2, n, p) for n in ns]  # P(K > n/2)
    sim = [(rng.binomial(n, p, TRIALS) > n // 2).mean() for n in ns]
    worst_ref = max(worst_ref, max(abs(a - b) for a, b in zip(exact, ref, strict=True)))
    worst_sim = max(worst_sim, max(abs(a - b) for a, b in zip(exact, sim, strict=True)))
    print(f"  p = {p:.1f}" + " " * 18 + "".join(f"{a:8.3f}" for a in exact))
    assert (exact[-1] > exact[0]) == (p > 0.5), "voting helps iff p > 0.5 (two outcomes)"
print(f"  max |exact - scipy.binom| = {worst_ref:.0e}, max |exact - simulation| = {worst_sim:.3f}")
assert worst_ref < 1e-12 and worst_sim < 0.007  # 4 standard errors at 100k trials: 0.0063


def plurality(dist: np.ndarray, n: int) -> float:
    """P(answer 0, the right one, is the strict winner) when n samples vote; ties count as wrong."""
    counts = rng.multinomial(n, dist, size=TRIALS)
    return (counts[:, 0] > counts[:, 1:].max(axis=1)).mean()


scattered = np.array([0.4] + [0.06] * 10)  # right answer 0.4, ten wrong answers 0.06 each
one_wrong = np.array([0.4, 0.5, 0.1])  # one wrong answer is more likely than the right one
print("plurality vote, many answers")
for name, dist in (("p=0.4, 10 wrong at 0.06", scattered), ("p=0.4, 1 wrong at 0.5", one_wrong)):
    acc = [plurality(dist, n) for n in ns]
    print(f"  {name:25s}" + "".join(f"{a:8.3f}" for a in acc))
    assert (acc[-1] > 0.9) if dist is scattered else (acc[-1] < 0.3)

p, tpr, fpr = 0.3, 0.9, 0.1  # stated verifier: accepts 90% of right and 10% of wrong answers
a, b = p * tpr, (1 - p) * fpr  # P(sample right and accepted), P(sample wrong and accepted)


def best_of_n_exact(N: int) -> float:
    none = (1 - a - b) ** N  # no sample accepted: fall back to a random (rejected) sample
    return (1 - none) * a / (a + b) + none * p * (1 - tpr) / (1 - a - b)


def best_of_n_sim(N: int) -> float:
    right = rng.random((TRIALS, N)) < p
    accepted = rng.random((TRIALS, N)) < np.where(right, tpr, fpr)
    # pick uniformly among accepted samples (random keys), else uniformly among all
    keys = rng.random((TRIALS, N)) + accepted  # accepted samples get keys in [1, 2)
    return right[np.arange(TRIALS), keys.argmax(axis=1)].mean()


Ns = (1, 4, 16, 64, 256)
perfect = [1 - (1 - p) ** N for N in Ns]
exact = [best_of_n_exact(N) for N in Ns]
sim = [best_of_n_sim(N) for N in Ns[:4]]  # N=256 skipped in simulation to stay fast
print(f"best-of-N, p = {p}      " + "".join(f"{'N=' + str(N):>7s}" for N in Ns))
print("  perfect verifier     " + "".join(f"{x:7.3f}" for x in perfect))
print(f"  tpr {tpr}, fpr {fpr}     " + "".join(f"{x:7.3f}" for x in exact))
ceiling = a / (a + b)
sim_diff = max(abs(x - y) for x, y in zip(exact[:4], sim, strict=True))
print(f"  ceiling p*tpr/(p*tpr+(1-p)*fpr) = {ceiling:.3f}; max |exact - sim| = {sim_diff:.3f}")
assert sim_diff < 0.007
assert abs(exact[0] - p) < 1e-12, "N = 1 is just one sample"
assert perfect[-1] > 0.999 and exact[-1] < ceiling + 1e-9 and ceiling - exact[-1] < 1e-6
