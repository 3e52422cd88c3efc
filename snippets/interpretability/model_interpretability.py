"""Permutation importance on held-out data, and what correlated features do to it.

The label depends on x0, x1 and x2; noise1 and noise2 are irrelevant; x0_copy is x0 plus
a little noise. Shuffling one column of the test set and measuring how much the score
drops tells how much the model relies on that column. Because x0_copy carries the same
information, shuffling x0 alone costs little: the model falls back on the copy. Shuffling
the pair together shows their joint importance.
"""

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(0)
n = 2000
X = rng.normal(size=(n, 5))
X = np.column_stack([X, X[:, 0] + 0.1 * rng.normal(size=n)])  # x0_copy
names = ["x0", "x1", "x2", "noise1", "noise2", "x0_copy"]
logit = 2.0 * X[:, 0] + 1.5 * X[:, 1] + 1.0 * X[:, 2]
y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)

model = RandomForestClassifier(n_estimators=100, min_samples_leaf=3, random_state=0)
model.fit(X_train, y_train)
auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
print(f"test ROC-AUC {auc:.3f}")

test = permutation_importance(
    model, X_test, y_test, scoring="roc_auc", n_repeats=10, random_state=0
)
train = permutation_importance(
    model, X_train, y_train, scoring="roc_auc", n_repeats=10, random_state=0
)
print("feature   drop in test AUC    drop in train AUC")
for i in np.argsort(-test.importances_mean):
    mean, std = test.importances_mean[i], test.importances_std[i]
    print(f"{names[i]:8s}  {mean:6.3f} +- {std:.3f}  {train.importances_mean[i]:9.3f}")


def grouped_drop(columns: list[int]) -> float:
    """Shuffle several columns with the same permutation, 10 times; mean drop in AUC."""
    drops = []
    for seed in range(10):
        X_perm = X_test.copy()
        order = np.random.default_rng(seed).permutation(len(X_test))
        X_perm[:, columns] = X_test[order][:, columns]
        drops.append(auc - roc_auc_score(y_test, model.predict_proba(X_perm)[:, 1]))
    return float(np.mean(drops))


pair = grouped_drop([0, 5])
print(f"x0 and x0_copy shuffled together: drop {pair:.3f}")

imp = dict(zip(names, test.importances_mean, strict=True))
assert min(imp["x0"], imp["x1"], imp["x2"]) > 0.01, "the informative features matter"
assert max(abs(imp["noise1"]), abs(imp["noise2"])) < 0.005, "the noise features do not"
assert pair > imp["x0"] + imp["x0_copy"], "correlated features hide each other's importance"
