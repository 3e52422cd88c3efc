"""Finding wrong labels with out-of-fold probabilities (the confident-learning idea).

20% of the training labels of the 8x8 digits are flipped to another class. Out-of-fold
predicted probabilities from cross_val_predict flag the suspicious samples; we measure the
precision and recall of the flagged set, then compare dropping them with down-weighting.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
rng = np.random.default_rng(0)
flipped = rng.random(len(y_train)) < 0.2
noisy = np.where(flipped, (y_train + rng.integers(1, 10, len(y_train))) % 10, y_train)


def model():
    return LogisticRegression(max_iter=1000)


# Every sample is scored by a model that did not train on it, so it cannot have memorized it.
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
proba = cross_val_predict(model(), X_train, noisy, cv=cv, method="predict_proba")

# Confident learning: class k's threshold is the mean probability of k among samples labeled
# k. A sample is flagged when some other class clears its own threshold and, among the classes
# that do, has the highest probability.
thresholds = np.array([proba[noisy == k, k].mean() for k in range(10)])
above = proba >= thresholds
confident_class = np.where(above, proba, -1.0).argmax(axis=1)
flag_cl = above.any(axis=1) & (confident_class != noisy)
flag_argmax = proba.argmax(axis=1) != noisy  # the naive rule, for comparison

print(f"flipped labels: {flipped.sum()} of {len(noisy)}")
print(f"{'rule':22s} flagged  precision  recall")
for name, flag in (("confident learning", flag_cl), ("prediction != label", flag_argmax)):
    hits = np.sum(flag & flipped)
    print(f"{name:22s} {flag.sum():7d}  {hits / flag.sum():9.3f}  {hits / flipped.sum():6.3f}")

# Retrain four ways; the test labels are the true ones.
p_given = proba[np.arange(len(noisy)), noisy]  # how plausible each given label looks
accuracy = {
    "noisy labels": model().fit(X_train, noisy).score(X_test, y_test),
    "flagged dropped": model().fit(X_train[~flag_cl], noisy[~flag_cl]).score(X_test, y_test),
    "down-weighted": model().fit(X_train, noisy, sample_weight=p_given).score(X_test, y_test),
    "true labels": model().fit(X_train, y_train).score(X_test, y_test),
}
print("test accuracy, retrained on:")
for name, acc in accuracy.items():
    print(f"  {name:16s} {acc:.3f}")

precision_cl = np.mean(flipped[flag_cl])
assert precision_cl > 0.9 and np.mean(flag_cl[flipped]) > 0.7, "most flags are real errors"
assert precision_cl > np.mean(flipped[flag_argmax]) + 0.1, "per-class thresholds beat argmax"
assert min(accuracy["flagged dropped"], accuracy["down-weighted"]) > accuracy["noisy labels"]
assert accuracy["true labels"] > max(accuracy["flagged dropped"], accuracy["down-weighted"])
