"""Improving a model systematically: baseline, diagnosis, one change at a time, test once.

A decision tree on the digits data is diagnosed with a validation curve (does it underfit or
overfit at each max_depth?) and learning curves (would more data help?). The diagnosis
picks the next change (a random forest, to cut variance), error analysis shows which
classes to work on next, and the untouched test set is used once, at the end.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import confusion_matrix, recall_score
from sklearn.model_selection import (
    StratifiedKFold,
    cross_val_score,
    learning_curve,
    train_test_split,
    validation_curve,
)
from sklearn.tree import DecisionTreeClassifier

X, y = load_digits(return_X_y=True)  # 1797 8x8 images, 10 balanced classes
X_dev, X_test, y_dev, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)  # every decision uses CV on dev
# The metric is accuracy (the classes are balanced), the target 0.95. The test set is not
# touched until step 5.
TARGET = 0.95


def diagnose(train_acc: float, val_acc: float) -> str:
    """Bias and variance, measured against the target."""
    if train_acc < TARGET:
        return "underfit (train below target)"
    if val_acc < TARGET and train_acc - val_acc > 0.05:
        return "overfit (gap above 0.05)"
    return "meets the target"


# 0. Baselines: the floor (always the most frequent class) and the first real model.
floor = cross_val_score(DummyClassifier(), X_dev, y_dev, cv=cv).mean()
print(f"0. floor (most frequent class): CV accuracy {floor:.3f}")

# 1. Validation curve: train and validation accuracy as capacity (max_depth) grows.
#    None is the default, unlimited depth: our baseline tree.
depths = [2, 4, 6, 8, 10, 12, None]
train, val = validation_curve(
    DecisionTreeClassifier(random_state=0),
    X_dev,
    y_dev,
    param_name="max_depth",
    param_range=depths,
    cv=cv,
)
train, val = train.mean(axis=1), val.mean(axis=1)
best = int(np.argmax(val))
print("1. validation curve of a decision tree")
print("   max_depth  train    val    gap  diagnosis")
for i, depth in enumerate(depths):
    mark = " <- best val" if i == best else ""
    print(f"   {depth!s:>9}  {train[i]:.3f}  {val[i]:.3f}  {train[i] - val[i]:.3f}  "
          f"{diagnose(train[i], val[i])}{mark}")  # fmt: skip
best_depth, baseline_val = depths[best], val[-1]

# 2. Learning curves: would more data help? High bias: both curves flatten below the target
#    (more data will not help, add capacity). High variance: a large gap, validation still
#    rising (more data, regularization, averaging).
print("2. learning curves: val accuracy at 10%, 25%, 50%, 75%, 100% of the training folds")
verdicts = {}
for depth in (4, best_depth):
    _, lc_train, lc_val = learning_curve(
        DecisionTreeClassifier(max_depth=depth, random_state=0),
        X_dev,
        y_dev,
        train_sizes=[0.1, 0.25, 0.5, 0.75, 1.0],
        cv=cv,
    )
    lc_train, lc_val = lc_train.mean(axis=1), lc_val.mean(axis=1)
    gap = lc_train[-1] - lc_val[-1]
    rise = lc_val[-1] - lc_val[2]  # validation gain over the second half of the data
    # The verdict reads the shape: a small gap with a flat validation curve is high bias,
    # a large gap with a still-rising validation curve is high variance.
    if gap < 0.05 and rise < 0.01 and lc_train[-1] < TARGET:
        verdicts[depth] = "high bias (curves close, flat, below target)"
    elif gap > 0.05 and rise > 0.01:
        verdicts[depth] = "high variance (large gap, val still rising)"
    else:
        verdicts[depth] = "unclear"
    curve = " ".join(f"{v:.3f}" for v in lc_val)
    print(f"   max_depth {depth:2d}: {curve}  (train {lc_train[-1]:.3f}, gap {gap:.3f},"
          f" rise 50%->100% {rise:+.3f})")  # fmt: skip
    print(f"                -> {verdicts[depth]}")

# 3. One change, chosen by the diagnosis: average 100 decorrelated trees (a random forest)
#    to reduce variance. Same folds, so the scores are comparable.
forest = RandomForestClassifier(n_estimators=100, random_state=0)
pred = np.empty_like(y_dev)
forest_train = []
for fit_idx, val_idx in cv.split(X_dev, y_dev):
    forest.fit(X_dev[fit_idx], y_dev[fit_idx])
    forest_train.append(forest.score(X_dev[fit_idx], y_dev[fit_idx]))
    pred[val_idx] = forest.predict(X_dev[val_idx])
forest_val = float(np.mean(pred == y_dev))
forest_train = float(np.mean(forest_train))
print(f"3. random forest: train {forest_train:.3f}  val {forest_val:.3f}  "
      f"{diagnose(forest_train, forest_val)}")  # fmt: skip

# 4. Error analysis on the validation predictions: which classes fail, and as what?
recall = recall_score(y_dev, pred, average=None)
confusions = confusion_matrix(y_dev, pred)
np.fill_diagonal(confusions, 0)
print("4. worst classes (recall, most common wrong answer):")
for c in np.argsort(recall)[:3]:
    print(f"   digit {c}: recall {recall[c]:.3f}, read as {confusions[c].argmax()} "
          f"{confusions[c].max()} times")  # fmt: skip

# 5. The test set, used once, for the final comparison.
models = {
    "floor": DummyClassifier(),
    "baseline tree": DecisionTreeClassifier(random_state=0),
    f"tree max_depth={best_depth}": DecisionTreeClassifier(max_depth=best_depth, random_state=0),
    "random forest": forest,
}
test = {name: m.fit(X_dev, y_dev).score(X_test, y_test) for name, m in models.items()}
print("5. test accuracy, measured once:")
for name, acc in test.items():
    print(f"   {name:18s} {acc:.3f}")

assert diagnose(train[0], val[0]).startswith("underfit"), "shallow trees underfit"
assert train[-1] == 1.0 and train[-1] - val[-1] > 0.1, "the unlimited tree memorizes"
assert all(diagnose(t, v) != "meets the target" for t, v in zip(train, val, strict=True))
assert verdicts[4].startswith("high bias") and verdicts[best_depth].startswith("high var")
assert forest_val > max(TARGET, baseline_val + 0.1), "the forest fixes what the diagnosis found"
assert test["random forest"] > test["baseline tree"] + 0.05 > test["floor"]
