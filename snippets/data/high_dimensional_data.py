"""PCA that keeps 95% of the variance, inside a Pipeline: scaled first, fitted on the
training split only. Digits: 8x8 images, 64 features; then what skipping the scaler does
on features with different units. Also saves the cumulative explained-variance curve.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
print(f"training split: {X_train.shape[0]} samples x {X_train.shape[1]} features")

# A float in (0, 1): keep the fewest components whose explained variance reaches it.
reduced = make_pipeline(StandardScaler(), PCA(n_components=0.95), LogisticRegression(max_iter=2000))
full = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
reduced.fit(X_train, y_train)
full.fit(X_train, y_train)
pca = reduced.named_steps["pca"]
kept = pca.n_components_
share = pca.explained_variance_ratio_.sum()
print(f"PCA(n_components=0.95) keeps {kept} of 64 components, {share:.3f} of the variance")

# The whole spectrum, to read the curve (fitted on the scaled training split only).
scaled_train = StandardScaler().fit_transform(X_train)
cumulative = np.cumsum(PCA().fit(scaled_train).explained_variance_ratio_)
for k in (2, 10, 20, kept, 64):
    print(f"  first {k:2d} components: {cumulative[k - 1]:.3f} of the variance")
acc_full, acc_reduced = full.score(X_test, y_test), reduced.score(X_test, y_test)
print(f"test accuracy: all 64 features {acc_full:.3f}, {kept} components {acc_reduced:.3f}")

# Without scaling, PCA follows the features with the largest raw variance. Breast cancer
# data: "worst area" is in the hundreds to thousands, smoothness around 0.1.
bc = load_breast_cancer()
Xb_train, Xb_test, yb_train, yb_test = train_test_split(
    bc.data, bc.target, stratify=bc.target, random_state=0
)
print("breast cancer, 30 features on very different scales:")
bc_scores = {}
for name, steps in [("unscaled", []), ("standardized", [StandardScaler()])]:
    model = make_pipeline(*steps, PCA(n_components=0.95), LogisticRegression(max_iter=5000))
    model.fit(Xb_train, yb_train)
    fitted_pca = model.named_steps["pca"]
    top = bc.feature_names[np.abs(fitted_pca.components_[0]).argmax()]
    bc_scores[name] = (fitted_pca.n_components_, model.score(Xb_test, yb_test))
    print(
        f"  {name:12s}: keeps {bc_scores[name][0]:2d}, test accuracy {bc_scores[name][1]:.3f};"
        f" PC1 explains {fitted_pca.explained_variance_ratio_[0]:.3f}, led by '{top}'"
    )

# n_components can be at most min(n_samples, n_features).
try:
    PCA(n_components=50).fit(X_train[:40])
except ValueError:
    print("PCA(n_components=50) on 40 samples: ValueError")

assert cumulative[kept - 1] >= 0.95 > cumulative[kept - 2]  # the smallest such k
assert kept < 64 and acc_reduced > acc_full - 0.02
assert bc_scores["unscaled"][0] == 1 and bc_scores["standardized"][1] > bc_scores["unscaled"][1]

fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(np.arange(1, 65), cumulative, marker=".", lw=1)
ax.axhline(0.95, color="gray", ls="--", lw=1)
ax.axvline(kept, color="tab:red", ls=":", lw=1)
ax.annotate(f"{kept} components: 95%", (kept, 0.95), xytext=(kept - 2, 0.45), ha="right")
ax.set(xlabel="number of components", ylabel="cumulative explained variance", ylim=(0, 1.02))
ax.set_title("PCA on standardized digits (training split)")
fig.tight_layout()
fig.savefig("high_dimensional_data.png", dpi=100)
plt.close(fig)
