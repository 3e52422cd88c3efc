"""Per-group thresholds, and why demographic parity and equalized odds conflict.

Measurement bias: the recorded feature understates group 1 by 0.8 (think of a test that
is harder for that group), and the groups have different base rates (50% vs 30%). One
threshold gives group 1 a much lower TPR. A per-group threshold chosen on validation data
equalizes TPR and FPR; equalizing selection rates instead breaks them again.
"""

import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)


def draw(n: int):
    g = (rng.random(n) < 0.5).astype(int)
    y = (rng.random(n) < np.where(g == 0, 0.5, 0.3)).astype(int)  # different base rates
    x = 1.5 * y + rng.normal(size=n) - 0.8 * g  # the feature is biased against group 1
    return x.reshape(-1, 1), g, y


def group_metrics(y, pred, g):
    per = {}
    for k in (0, 1):
        m = g == k
        per[k] = {
            "acc": np.mean(pred[m] == y[m]),
            "tpr": np.mean(pred[m & (y == 1)]),
            "fpr": np.mean(pred[m & (y == 0)]),
            "sel": np.mean(pred[m]),
        }
    dp_diff = abs(per[0]["sel"] - per[1]["sel"])
    eo_diff = max(abs(per[0]["tpr"] - per[1]["tpr"]), abs(per[0]["fpr"] - per[1]["fpr"]))
    return per, dp_diff, eo_diff


X_train, _, y_train = draw(5_000)
X_val, g_val, y_val = draw(20_000)  # to choose the thresholds
X_test, g_test, y_test = draw(20_000)  # to report them
model = LogisticRegression().fit(X_train, y_train)  # g is not an input
s_val, s_test = model.predict_proba(X_val)[:, 1], model.predict_proba(X_test)[:, 1]

# Group 0 keeps the usual 0.5; group 1's threshold is set on the validation set so that it
# matches group 0 on one quantity: TPR (equal opportunity) or selection rate (parity).
pred_val0 = s_val[g_val == 0] >= 0.5
tpr0 = pred_val0[y_val[g_val == 0] == 1].mean()
t_equal_tpr = np.quantile(s_val[(g_val == 1) & (y_val == 1)], 1 - tpr0)
t_equal_sel = np.quantile(s_val[g_val == 1], 1 - pred_val0.mean())

rows = {
    "one threshold 0.5": s_test >= 0.5,
    "group 1: equal TPR": s_test >= np.where(g_test == 1, t_equal_tpr, 0.5),
    "group 1: equal selection": s_test >= np.where(g_test == 1, t_equal_sel, 0.5),
    "perfect predictions": y_test == 1,
}
base_rates = [y_test[g_test == k].mean() for k in (0, 1)]
print(f"base rates: group 0 {base_rates[0]:.3f}, group 1 {base_rates[1]:.3f}")
header = "".join(f"{h:>12s}" for h in ("acc 0/1", "TPR 0/1", "FPR 0/1", "sel 0/1"))
print(f"{'':25s}{header}  DP diff  EO diff")
results = {}
for name, pred in rows.items():
    per, dp, eo = group_metrics(y_test, pred.astype(int), g_test)
    results[name] = (dp, eo)
    cells = [f"{per[0][k]:.3f}/{per[1][k]:.3f}" for k in ("acc", "tpr", "fpr", "sel")]
    print(f"{name:25s} {' '.join(cells)}  {dp:7.3f}  {eo:7.3f}")

one, tpr_rule, sel_rule, perfect = results.values()
assert one[1] > 0.2, "a single threshold: very unequal error rates"
assert tpr_rule[1] < 0.03, "the per-group threshold equalizes TPR and, here, FPR as well"
assert sel_rule[0] < 0.03 and sel_rule[1] > 0.1, "forcing parity breaks equalized odds"
assert perfect[1] == 0 and perfect[0] > 0.15, "with unequal base rates both cannot hold"
