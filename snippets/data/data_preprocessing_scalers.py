"""Standardization, min-max normalization and scikit-learn's Normalizer do different things.

StandardScaler and MinMaxScaler work per column (per feature), with statistics learned
in fit(); Normalizer works per row (per sample) and learns nothing. One outlier shows
how each reacts.
"""

import numpy as np
from sklearn.preprocessing import MinMaxScaler, Normalizer, RobustScaler, StandardScaler

# 6 training samples x 2 features on very different scales; the last income is an outlier.
X_train = np.array(
    [[25, 3_000], [32, 4_500], [41, 5_200], [38, 6_100], [29, 3_900], [55, 60_000]], dtype=float
)
X_new = np.array([[60, 5_000]])  # older than anyone in the training data

scalers = {
    "StandardScaler": StandardScaler(),  # per column: (x - mean) / std
    "MinMaxScaler": MinMaxScaler(),  # per column: (x - min) / (max - min)
    "RobustScaler": RobustScaler(),  # per column: (x - median) / IQR
    "Normalizer": Normalizer(),  # per ROW: x / ||x||_2
}
fitted = {name: scaler.fit(X_train) for name, scaler in scalers.items()}  # training data only
print(f"{'sample':14s}" + "".join(f"{name:>18s}" for name in scalers))
print(f"{'(age, income)':14s}" + f"{'age':>9s}{'income':>9s}" * len(scalers))
rows = [(f"{x[0]:.0f}, {x[1]:.0f}", x) for x in X_train]
rows.append(("new: 60, 5000", X_new[0]))
for label, x in rows:
    cells = [fitted[name].transform(x[None, :])[0] for name in scalers]
    print(f"{label:14s}" + "".join(f"{a:9.3f}{b:9.3f}" for a, b in cells))

Z_std = scalers["StandardScaler"].transform(X_train)
Z_mm = scalers["MinMaxScaler"].transform(X_train)
Z_row = scalers["Normalizer"].transform(X_train)
assert np.allclose(Z_std.mean(axis=0), 0) and np.allclose(Z_std.std(axis=0), 1)
assert np.allclose(Z_mm.min(axis=0), 0) and np.allclose(Z_mm.max(axis=0), 1)
assert np.allclose(np.linalg.norm(Z_row, axis=1), 1)  # each row has unit length
# The outlier squeezes the other five incomes into [0, 0.06) ...
assert Z_mm[:5, 1].max() < 0.06
# ... and a new sample beyond the training range falls outside [0, 1].
assert scalers["MinMaxScaler"].transform(X_new)[0, 0] > 1
# Normalizer is dominated by the large income: age almost vanishes from every row.
assert Z_row[:, 0].max() < 0.01
