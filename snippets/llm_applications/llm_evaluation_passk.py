"""pass@k: the unbiased estimator of Chen et al. (2021), and an n-gram contamination check.

Part 1 writes the numerically stable product form, checks it against exact binomial
coefficients (fractions), then shows by exact expectation and by simulation (fixed seed)
that it is unbiased while the plug-in 1 - (1 - c/n)^k underestimates pass@k.
Part 2 flags test items that share a word n-gram with a training corpus (GPT-3 filtered its
training data for 13-gram overlaps; its "clean" benchmark subsets drop items with any N-gram
overlap, N = the dataset's 5th-percentile length in words clipped to [8, 13]), and shows what
it misses: a paraphrase.
"""

import re
from fractions import Fraction
from math import comb

import numpy as np


def pass_at_k(n: int, c: int, k: int) -> float:
    """1 - C(n-c, k)/C(n, k), computed as 1 - prod_{i=n-c+1}^{n} (1 - k/i)."""
    if n - c < k:
        return 1.0
    return 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


# Stable product form == exact ratio of binomial coefficients, for every c and several k.
n = 200
worst = max(
    abs(pass_at_k(n, c, k) - float(1 - Fraction(comb(n - c, k), comb(n, k))))
    for k in (1, 10, 100)
    for c in range(n + 1)
)
assert worst < 1e-12
print(f"product form vs exact binomials, n={n}, k in 1/10/100, all c: max diff {worst:.0e}")

# Unbiasedness. With true per-sample success rate p, pass@k = 1 - (1-p)^k. Draw n samples,
# count c ~ Binomial(n, p): the estimator's expectation equals pass@k exactly.
n, k, trials = 20, 5, 200_000
rng = np.random.default_rng(0)
table_u = np.array([pass_at_k(n, c, k) for c in range(n + 1)])
table_naive = 1 - (1 - np.arange(n + 1) / n) ** k
print(f"n={n} samples per problem, k={k}; simulation: {trials:,} draws of c per p")
print("   p   true pass@k   unbiased (exact / sim)   naive 1-(1-c/n)^k (exact / sim)")
for p in (0.05, 0.2, 0.5):
    truth = 1 - (1 - p) ** k
    pmf = np.array([comb(n, c) * p**c * (1 - p) ** (n - c) for c in range(n + 1)])
    exact_u, exact_naive = pmf @ table_u, pmf @ table_naive
    c = rng.binomial(n, p, size=trials)
    sim_u, sim_naive = table_u[c].mean(), table_naive[c].mean()
    se = table_u[c].std() / trials**0.5  # standard error of the simulated mean
    assert abs(exact_u - truth) < 1e-12  # unbiased: exact identity
    assert abs(sim_u - truth) < 4 * se  # simulation agrees within 4 standard errors
    assert exact_naive < truth - 4 * se  # the plug-in estimator is biased low (Jensen)
    row = f"{p:5.2f} {truth:12.4f} {exact_u:12.4f} / {sim_u:.4f}"
    print(f"{row} {exact_naive:14.4f} / {sim_naive:.4f}")


# Part 2: contamination by word n-gram overlap.
def ngrams(text: str, size: int) -> set[tuple[str, ...]]:
    words = re.sub(r"[^a-z0-9 ]", " ", text.lower()).split()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


TRAIN = [  # a web crawl (written for this example)
    "Forum post: Can anyone help with this one? A baker sells 14 cakes a day at 3 dollars "
    "each and spends 12 dollars on flour; how much profit does she make in a week? Thanks!",
    "Practice set: Tom reads twenty pages every night. After how many nights has he finished "
    "a book of 180 pages?",
    "Blog: how much profit does a small bakery make? It depends on rent and staff.",
    "Garden guide: how many plants in total fit in a raised bed? About thirty.",
]
TEST = [  # benchmark items
    "A baker sells 14 cakes a day at 3 dollars each and spends 12 dollars on flour; "
    "how much profit does she make in a week?",  # verbatim in the forum post
    "Tom reads 20 pages each night. How many nights does he need to finish a 180-page book?",
    "A farmer has 3 fields of 40 rows with 25 plants per row. How many plants in total?",
]
corpus = {size: set().union(*(ngrams(t, size) for t in TRAIN)) for size in (5, 13)}
flags = {size: [bool(ngrams(q, size) & corpus[size]) for q in TEST] for size in (5, 13)}
assert flags[13] == [True, False, False]  # the paraphrase of item 2 slips through
assert flags[5] == [True, False, True]  # n too small: a common phrase flags a clean item
print("13-gram overlap flags:", flags[13], "(item 2 is a paraphrase: missed)")
print(" 5-gram overlap flags:", flags[5], "(item 3 is clean: a false positive)")
