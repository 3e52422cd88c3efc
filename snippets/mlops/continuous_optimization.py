"""Data-drift monitoring: the population stability index (PSI) and the two-sample
Kolmogorov-Smirnov test (scipy.stats.ks_2samp), feature by feature, against the training data.

An unshifted production batch raises no alarm; a shifted one does. A third, very large batch
with a negligible shift shows why a p-value alone is not a drift alarm.
"""

import numpy as np
from scipy.stats import ks_2samp

rng = np.random.default_rng(0)
FEATURES = ["age", "income", "sessions", "basket"]


def sample(n: int, shift=(0.0, 0.0, 0.0, 0.0), scale=(1.0, 1.0, 1.0, 1.0)) -> np.ndarray:
    return rng.normal(loc=shift, scale=scale, size=(n, len(FEATURES)))


def psi(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> float:
    """Population stability index over the reference's deciles: sum (c - r) * ln(c / r)."""
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))[1:-1]  # inner edges
    r = np.bincount(np.searchsorted(edges, reference), minlength=bins) / len(reference)
    c = np.bincount(np.searchsorted(edges, current), minlength=bins) / len(current)
    r, c = np.clip(r, 1e-4, None), np.clip(c, 1e-4, None)  # an empty bin would give log(0)
    return float(np.sum((c - r) * np.log(c / r)))


def report(name: str, reference: np.ndarray, current: np.ndarray) -> set:
    """Flag a feature when PSI > 0.25 (a common rule of thumb) or KS rejects at a
    Bonferroni-corrected 1% level and the KS statistic is larger than 0.1."""
    alpha = 0.01 / len(FEATURES)  # several features tested at once
    print(f"{name} (n={len(current)})")
    flagged = set()
    for j, feature in enumerate(FEATURES):
        ks = ks_2samp(reference[:, j], current[:, j])
        p = psi(reference[:, j], current[:, j])
        drift = p > 0.25 or (ks.pvalue < alpha and ks.statistic > 0.1)
        if drift:
            flagged.add(feature)
        print(
            f"  {feature:9s} PSI {p:6.3f}  KS D {ks.statistic:5.3f}  p {ks.pvalue:9.2e}"
            f"  {'DRIFT' if drift else 'ok'}"
        )
    return flagged


reference = sample(5000)  # the training data's features, kept as the reference
same = report("unshifted batch", reference, sample(2000))
shifted = report(
    "shifted batch", reference, sample(2000, shift=(0.0, 0.6, 0.0, 0.0), scale=(1, 1, 1.5, 1))
)
huge = sample(200_000, shift=(0.0, 0.0, 0.0, 0.1))  # 0.1 standard deviations
tiny = report("huge batch, tiny shift", reference, huge)

assert same == set()  # no false alarm on data from the same distribution
assert shifted == {"income", "sessions"}  # a mean shift and a variance change, both found
assert ks_2samp(reference[:, 3], huge[:, 3]).pvalue < 1e-6  # "significant"...
assert tiny == set()  # ...but the effect is negligible: no alarm
