"""The curse of dimensionality in numbers, and why t-SNE is for plots only.

1. Distances concentrate: in many dimensions the nearest and the farthest point are
   almost equally far away, so "nearest neighbor" loses its meaning.
2. kNN on 2 informative features drowns as irrelevant features are added.
3. t-SNE has no transform(): adding points changes the whole embedding, whereas a
   fitted PCA maps the same sample to the same coordinates every time.
"""

import numpy as np
from scipy.spatial import procrustes
from scipy.spatial.distance import cdist
from sklearn.datasets import load_digits, make_classification
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

rng = np.random.default_rng(0)
print("dims  (farthest - nearest) / nearest   edge of a cube holding 10% of the volume")
print("      median over 100 query points")
contrast = {}
for d in (2, 10, 100, 1000):
    points, queries = rng.random((1000, d)), rng.random((100, d))
    dist = cdist(queries, points)  # (100, 1000) Euclidean distances
    # one query's ratio is noisy (its nearest neighbor may be very close): take the median
    contrast[d] = np.median((dist.max(axis=1) - dist.min(axis=1)) / dist.min(axis=1))
    print(f"{d:4d}  {contrast[d]:34.2f}   {0.1 ** (1 / d):.2f}")

X2, y2 = make_classification(
    n_samples=400, n_features=2, n_informative=2, n_redundant=0, random_state=0
)
print("kNN (k=5), 5-fold CV accuracy with irrelevant features added:")
knn = {}
for extra in (0, 10, 100, 1000):
    X = np.hstack([X2, rng.standard_normal((400, extra))])
    knn[extra] = cross_val_score(KNeighborsClassifier(), X, y2, cv=5).mean()
    print(f"  2 informative + {extra:4d} noise features: {knn[extra]:.3f}")

digits = load_digits().data
first, more = digits[:200], digits[:300]  # the same 200 samples, then 100 more
# method="exact" is fine for a few hundred points; Barnes-Hut (the default) scales further.
assert not hasattr(TSNE(), "transform")  # no way to place new samples in a fitted embedding
tsne_a = TSNE(method="exact", max_iter=500, random_state=0).fit_transform(first)
tsne_b = TSNE(method="exact", max_iter=500, random_state=0).fit_transform(more)[:200]
pca = PCA(n_components=2).fit(first)
pca_a, pca_b = pca.transform(first), pca.transform(more)[:200]
_, _, tsne_disparity = procrustes(tsne_a, tsne_b)  # 0 = same layout up to rotation/scale
_, _, pca_disparity = procrustes(pca_a, pca_b)
print("the same 200 digits, embedded alone and together with 100 more (Procrustes disparity):")
print(f"  t-SNE (fit_transform twice): {tsne_disparity:.3f}")
print(f"  PCA (fit once, transform):   {pca_disparity:.3f}")

assert contrast[2] > 10 * contrast[1000]
assert knn[0] > 0.85 and knn[1000] < knn[0] - 0.2
assert tsne_disparity > 0.05 and pca_disparity < 1e-9
