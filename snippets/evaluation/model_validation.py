"""Hold-out, k-fold and stratified k-fold on an imbalanced dataset.

Shows how many minority samples land in each test fold, how much a single hold-out score
moves with the random split compared with a 5-fold CV mean, and why folds of sorted data
must be shuffled or stratified.
"""

import numpy as np
from sklearn.datasets import load_iris, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score, train_test_split

X, y = make_classification(
    n_samples=600, n_features=10, n_informative=4, weights=[0.92], class_sep=2.0, random_state=0
)
model = LogisticRegression(max_iter=1000)
print(f"positives: {y.sum()} of {len(y)} ({y.mean():.1%})")

# 1. Class balance of the test folds, over 20 reshuffles of 5 folds.
for splitter in (KFold, StratifiedKFold):
    counts = [
        int(y[test].sum())
        for seed in range(20)
        for _, test in splitter(n_splits=5, shuffle=True, random_state=seed).split(X, y)
    ]
    print(f"{splitter.__name__:15s} positives per test fold: {min(counts)} to {max(counts)}")

# 2. One stratified 5-fold CV: every sample is scored once, by a model that did not train on it.
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
scores = cross_val_score(model, X, y, cv=cv, scoring="f1")
print(f"F1 per fold: {np.round(scores, 3)}, mean {scores.mean():.3f} +/- {scores.std():.3f}")

# 3. How much does the estimate depend on the luck of the split? 20 different seeds each.
holdout = []
for seed in range(20):
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, stratify=y, random_state=seed)
    holdout.append(f1_score(y_te, model.fit(X_tr, y_tr).predict(X_te)))
cv_means = [
    cross_val_score(
        model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=seed), scoring="f1"
    ).mean()
    for seed in range(20)
]
for name, values in (("hold-out 80/20", holdout), ("5-fold CV mean", cv_means)):
    print(f"{name}: F1 from {min(values):.3f} to {max(values):.3f}, std {np.std(values):.3f}")

# 4. Iris is sorted by class. Unshuffled KFold(3) tests each class on a model that never saw it.
X_iris, y_iris = load_iris(return_X_y=True)
unshuffled = cross_val_score(model, X_iris, y_iris, cv=KFold(n_splits=3))
default = cross_val_score(model, X_iris, y_iris, cv=3)  # an int means StratifiedKFold here
print(f"iris, KFold(3) unshuffled: {np.round(unshuffled, 3)}")
print(f"iris, cv=3 (stratified):   {np.round(default, 3)}")

assert np.std(cv_means) < np.std(holdout) / 3, "averaging 5 folds steadies the estimate"
assert max(unshuffled) == 0.0 and min(default) > 0.9
