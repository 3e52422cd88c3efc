"""Feature selection on 201 features and 300 samples: SelectKBest and L1-based
SelectFromModel inside a Pipeline (refitted on each training fold), and what mutual
information sees that the F-test does not.

Columns 0-4 are make_classification's informative features; with one cluster per class,
the two class centers happen to coincide on column 3, so only 0, 1, 2 and 4 separate the
classes. Column 200 carries a non-linear signal (its spread, not its mean, depends on the
class); the other 195 columns are noise.
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.feature_selection import (
    SelectFromModel,
    SelectKBest,
    f_classif,
    mutual_info_classif,
)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = make_classification(
    n_samples=300,
    n_features=200,
    n_informative=5,
    n_redundant=0,
    n_clusters_per_class=1,
    class_sep=1.5,
    shuffle=False,  # keeps the informative features in columns 0-4
    random_state=0,
)
rng = np.random.default_rng(0)
spread = rng.normal(0.0, 1.0 + 2.0 * y)  # same mean for both classes, 3x the spread for y=1
X = np.column_stack([X, spread])
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)


def l1_selector() -> SelectFromModel:
    # l1_ratio=1 is the L1 (lasso) penalty: most coefficients become exactly 0
    return SelectFromModel(LogisticRegression(l1_ratio=1.0, C=0.1, solver="liblinear"))


candidates = {
    "kNN, all 201 features": make_pipeline(StandardScaler(), KNeighborsClassifier()),
    "kNN, SelectKBest(k=5)": make_pipeline(
        StandardScaler(), SelectKBest(f_classif, k=5), KNeighborsClassifier()
    ),
    "logistic, all 201 features": make_pipeline(StandardScaler(), LogisticRegression()),
    "logistic, L1 SelectFromModel": make_pipeline(
        StandardScaler(), l1_selector(), LogisticRegression()
    ),
}
print("5-fold CV accuracy, selection refitted inside every training fold:")
scores = {}
for name, pipeline in candidates.items():
    scores[name] = cross_val_score(pipeline, X, y, cv=cv).mean()
    print(f"  {name:30s} {scores[name]:.3f}")

# Fitted once on all samples, just to see which columns each criterion prefers.
scaled = StandardScaler().fit_transform(X)
l1_kept = np.flatnonzero(l1_selector().fit(scaled, y).get_support())
print(f"L1 SelectFromModel keeps columns {l1_kept.tolist()}")
f_scores, _ = f_classif(scaled, y)
mi_scores = mutual_info_classif(scaled, y, random_state=0)
for name, s in [("F-test", f_scores), ("mutual information", mi_scores)]:
    rank = int((s > s[200]).sum()) + 1  # 1 = best of 201
    top6 = np.argsort(s)[::-1][:6].tolist()
    print(f"{name:18s}: column 200 ranks {rank:3d} of 201; top 6 columns {top6}")

mi_rank = int((mi_scores > mi_scores[200]).sum()) + 1
f_rank = int((f_scores > f_scores[200]).sum()) + 1
assert scores["kNN, SelectKBest(k=5)"] > scores["kNN, all 201 features"] + 0.1
assert scores["logistic, L1 SelectFromModel"] >= scores["logistic, all 201 features"]
assert set(l1_kept) == {0, 1, 2, 4} and mi_rank <= 6 < f_rank
