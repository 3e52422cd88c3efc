"""Imbalanced classes (5% positives): why accuracy misleads, and what class weights,
SMOTE and a tuned decision threshold each change, on the same logistic regression.

Every remedy is fitted on the training split only; the threshold is chosen on a
validation split; all numbers are measured once on the untouched test split.
"""

import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline  # accepts samplers as steps
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, y = make_classification(
    n_samples=6000, n_features=20, n_informative=5, weights=[0.95, 0.05], random_state=0
)
X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
X_train, X_val, y_train, y_val = train_test_split(
    X_rest, y_rest, test_size=0.3, stratify=y_rest, random_state=0
)
print(f"positives: {y_train.mean():.3f} of the training split, {y_test.sum()} in the test split")

models = {
    "always majority": DummyClassifier(strategy="most_frequent"),
    "plain": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    "class_weight=balanced": make_pipeline(
        StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000)
    ),
    # SMOTE is a pipeline step: it resamples during fit() only, never at predict time.
    "SMOTE (train only)": make_pipeline(
        StandardScaler(), SMOTE(random_state=0), LogisticRegression(max_iter=1000)
    ),
}
for model in models.values():
    model.fit(X_train, y_train)

# Threshold moving: keep the plain model, pick the threshold that maximizes F1 on validation.
precision, recall, thresholds = precision_recall_curve(
    y_val, models["plain"].predict_proba(X_val)[:, 1]
)
f1_per_threshold = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
best_threshold = thresholds[np.argmax(f1_per_threshold[:-1])]
print(f"threshold chosen on validation: {best_threshold:.3f} (default 0.5)")

COLUMNS = ("acc", "prec", "recall", "F1", "PR-AUC", "bal.acc")
print(f"{'test split':23s}" + "".join(f"{c:>8s}" for c in COLUMNS))
results = {}
for name, model, threshold in [
    *[(name, model, 0.5) for name, model in models.items()],
    ("plain + tuned threshold", models["plain"], best_threshold),
]:
    scores = model.predict_proba(X_test)[:, 1]
    y_pred = (scores >= threshold).astype(int)
    row = dict(
        acc=accuracy_score(y_test, y_pred),
        prec=precision_score(y_test, y_pred, zero_division=0),
        recall=recall_score(y_test, y_pred),
        f1=f1_score(y_test, y_pred),
        pr_auc=average_precision_score(y_test, scores),  # threshold-free, from scores
        bal_acc=balanced_accuracy_score(y_test, y_pred),  # mean of per-class recalls
    )
    results[name] = row
    print(f"{name:23s}" + "".join(f"{v:8.3f}" for v in row.values()))

lazy, plain = results["always majority"], results["plain"]
weighted, smote = results["class_weight=balanced"], results["SMOTE (train only)"]
tuned = results["plain + tuned threshold"]
assert lazy["acc"] > 0.94 and lazy["recall"] == 0 and lazy["bal_acc"] == 0.5  # accuracy lies
for fixed in (weighted, smote):
    assert fixed["recall"] > plain["recall"] + 0.3 and fixed["bal_acc"] > plain["bal_acc"] + 0.1
    assert fixed["prec"] < plain["prec"] and fixed["acc"] < plain["acc"]  # the price
    assert fixed["pr_auc"] < plain["pr_auc"] + 0.02  # the ranking did not get better
assert tuned["f1"] > max(plain["f1"], weighted["f1"], smote["f1"])
