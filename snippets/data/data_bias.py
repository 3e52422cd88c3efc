"""Selection bias: a group under-represented in the training sample gets a worse model.

Synthetic population, half group 0 and half group 1, where the label depends on the two
features differently in each group. The training sample is drawn 95% from group 0. We
measure per-group accuracy, TPR and FPR, the demographic-parity and equalized-odds
differences (plain numpy), then try group reweighting and a representative sample.
"""

import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)


def draw(n: int, share_group1: float):
    """n people; features x (n, 2), sensitive attribute g (0/1), label y (0/1)."""
    g = (rng.random(n) < share_group1).astype(int)
    x = rng.normal(size=(n, 2))
    score = np.where(g == 0, 1.5 * x[:, 0] + 0.5 * x[:, 1], 0.5 * x[:, 0] + 1.5 * x[:, 1] - 0.6)
    y = (score + 0.5 * rng.normal(size=n) > 0).astype(int)
    return x, g, y


def group_metrics(y, pred, g):
    """Per-group accuracy, TPR, FPR and selection rate, plus the two gap measures."""
    per = {}
    for k in (0, 1):
        m = g == k
        per[k] = {
            "acc": np.mean(pred[m] == y[m]),
            "tpr": np.mean(pred[m & (y == 1)]),  # true positive rate
            "fpr": np.mean(pred[m & (y == 0)]),  # false positive rate
            "sel": np.mean(pred[m]),  # selection rate P(pred = 1)
        }
    dp_diff = abs(per[0]["sel"] - per[1]["sel"])  # demographic parity difference
    eo_diff = max(abs(per[0]["tpr"] - per[1]["tpr"]), abs(per[0]["fpr"] - per[1]["fpr"]))
    return per, dp_diff, eo_diff


X_test, g_test, y_test = draw(20_000, share_group1=0.5)  # the population the model serves
X_biased, g_biased, y_biased = draw(2_000, share_group1=0.05)  # the sample we happened to get
X_repr, g_repr, y_repr = draw(2_000, share_group1=0.5)  # a representative sample, same size

# Importance weights: population share / sample share, so each group counts 50/50 again.
share = g_biased.mean()
weights = np.where(g_biased == 1, 0.5 / share, 0.5 / (1 - share))

# The model does not see g (a common rule); it must serve both groups with one boundary.
variants = {
    "biased sample": LogisticRegression().fit(X_biased, y_biased),
    "reweighted by group": LogisticRegression().fit(X_biased, y_biased, sample_weight=weights),
    "representative sample": LogisticRegression().fit(X_repr, y_repr),
}
counts = [np.sum(g_biased == k) for k in (0, 1)]
print(f"training sample: {counts[0]} from group 0, {counts[1]} from group 1")
header = "".join(f"{h:>12s}" for h in ("acc 0/1", "TPR 0/1", "FPR 0/1"))
print(f"{'':22s} overall{header}  DP diff  EO diff")
results = {}
for name, model in variants.items():
    pred = model.predict(X_test)
    per, dp, eo = group_metrics(y_test, pred, g_test)
    results[name] = (per, dp, eo)
    cells = [f"{per[0][k]:.3f}/{per[1][k]:.3f}" for k in ("acc", "tpr", "fpr")]
    print(f"{name:22s} {np.mean(pred == y_test):7.3f} {' '.join(cells)}  {dp:7.3f}  {eo:7.3f}")

(base, base_dp, base_eo), (rw, _, rw_eo), (rep, _, rep_eo) = results.values()
assert base[0]["acc"] - base[1]["acc"] > 0.15, "the under-represented group is served worse"
assert base_dp < 0.05 < 0.2 < base_eo, "equal selection rates can hide very unequal errors"
assert rw[1]["acc"] > base[1]["acc"] + 0.05 and rw[0]["acc"] < base[0]["acc"], "a trade-off"
assert rep_eo < rw_eo < base_eo, "reweighting narrows the gap; representative data more"
