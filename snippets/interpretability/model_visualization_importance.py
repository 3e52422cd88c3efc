"""Feature importance as a chart: impurity-based (from training) versus permutation (test).

The label depends on three features: a binary one (strongly), a 4-level one and a weakly
informative continuous one; 15% of the labels are flipped, and a fourth, continuous column
is pure noise. A random forest's built-in importance (mean decrease in impurity,
accumulated while fitting the training data) favors the two continuous columns: deep
trees split on their many distinct values to fit the flipped labels. So it ranks the weak
feature first and the noise second. Permutation importance on the test set puts the
binary feature first, the weak one near the bottom and the noise at about zero. The
figure shows both, with error bars.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(1)
n = 2000
binary = rng.integers(0, 2, n)  # 2 distinct values
category = rng.integers(0, 4, n)  # 4 distinct values
weak = rng.normal(size=n)  # continuous, slightly informative
noise = rng.normal(size=n)  # continuous, unrelated to the label
signal = 1.5 * binary + 0.8 * (category >= 2) + 0.3 * weak
y = (signal + 0.5 * rng.normal(size=n) > 1.3).astype(int)
y = np.where(rng.random(n) < 0.15, 1 - y, y)  # 15% label noise
X = np.column_stack([binary, category, weak, noise])
names = ["binary (2 values)", "category (4 values)", "weak continuous", "NOISE continuous"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0)
model = RandomForestClassifier(n_estimators=100, random_state=0).fit(X_train, y_train)
print(f"test accuracy {model.score(X_test, y_test):.3f}")

mdi = model.feature_importances_
perm = permutation_importance(model, X_test, y_test, n_repeats=20, random_state=0)
noise = 3
mdi_rank = int((mdi > mdi[noise]).sum()) + 1
perm_rank = int((perm.importances_mean > perm.importances_mean[noise]).sum()) + 1
print(f"noise column: rank {mdi_rank} by impurity, rank {perm_rank} by permutation")
print("feature               impurity  permutation (drop in test accuracy)")
for j in np.argsort(-perm.importances_mean):
    mean, std = perm.importances_mean[j], perm.importances_std[j]
    print(f"{names[j]:20s} {mdi[j]:9.3f}  {mean:6.3f} +- {std:.3f}")
assert mdi_rank <= 2 and abs(perm.importances_mean[noise]) < 0.01
binary_col, weak_col = 0, 2
# Impurity inflates the continuous weak feature above the binary one; on test data the
# binary feature matters several times more.
assert mdi[weak_col] > mdi[binary_col]
assert perm.importances_mean[binary_col] > 3 * perm.importances_mean[weak_col] > 0

order = np.argsort(perm.importances_mean)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 2.8), sharey=True)
ax1.barh(range(len(names)), mdi[order], color="tab:gray")
ax1.set_title("impurity-based (training data)", fontsize=9)
ax2.barh(range(len(names)), perm.importances_mean[order], xerr=perm.importances_std[order])
ax2.set_title("permutation, test set (mean +- std of 20)", fontsize=9)
ax1.set_yticks(range(len(names)), [names[j] for j in order], fontsize=8)
fig.tight_layout()
fig.savefig("model_visualization_importance.png", dpi=100)
plt.close(fig)
