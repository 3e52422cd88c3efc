"""Resampling before the split inflates the score; resampling inside an imbalanced-learn
Pipeline (training folds only) does not.

5-fold cross-validated F1 of the minority class (5% of 2000 samples), decision tree.
"Resample all, then CV" is what happens when the whole data set is over-sampled first:
copies (or SMOTE interpolations) of a test sample sit in the training folds.
"""

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.datasets import make_classification
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

X, y = make_classification(
    n_samples=2000, n_features=10, n_informative=5, weights=[0.95, 0.05], random_state=0
)
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
tree = DecisionTreeClassifier(random_state=0)

no_resampling = cross_val_score(tree, X, y, cv=cv, scoring="f1").mean()
print(f"no resampling: F1 {no_resampling:.3f}")
print(f"{'':38s} {'random oversampling':>19s} {'SMOTE':>7s}")

LEAK, ORIGINALS, HONEST = (
    "resample all, then CV (leak)",
    "  same, scored on original rows only",
    "resample inside the Pipeline",
)
rows = {LEAK: [], ORIGINALS: [], HONEST: []}
for sampler in (RandomOverSampler(random_state=0), SMOTE(random_state=0)):
    X_res, y_res = sampler.fit_resample(X, y)  # WRONG ORDER: before any split
    assert np.array_equal(X_res[: len(X)], X)  # the originals come first, new rows after
    rows[LEAK].append(cross_val_score(tree, X_res, y_res, cv=cv, scoring="f1").mean())
    # The same leaky folds, but scored only on real rows: the test distribution is now
    # the true one, so whatever inflation is left comes from leaked copies alone.
    originals_only = []
    for train_idx, test_idx in cv.split(X_res, y_res):
        test_idx = test_idx[test_idx < len(X)]
        tree.fit(X_res[train_idx], y_res[train_idx])
        originals_only.append(f1_score(y_res[test_idx], tree.predict(X_res[test_idx])))
    rows[ORIGINALS].append(np.mean(originals_only))
    # RIGHT: the sampler is a pipeline step, refitted on each training fold only;
    # the test fold keeps its real rows and its real 5% prevalence.
    pipeline = make_pipeline(sampler, tree)
    rows[HONEST].append(cross_val_score(pipeline, X, y, cv=cv, scoring="f1").mean())

for name, (oversampled, smote) in rows.items():
    print(f"{name:38s} {oversampled:19.3f} {smote:7.3f}")

leaky, originals, honest = rows.values()
for i in range(2):
    assert leaky[i] > originals[i] > honest[i] + 0.05, "the leak inflates the score"
    assert abs(honest[i] - no_resampling) < 0.1  # honest resampling: no miracle
