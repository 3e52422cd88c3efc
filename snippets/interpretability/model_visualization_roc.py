"""ROC and precision-recall curves for two classifiers on imbalanced data (5% positives).

Both curves come from the models' scores over all thresholds. On rare positives the ROC
curve can look excellent while the precision-recall curve shows how many false alarms
come with each level of recall; the figure puts the two side by side.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    PrecisionRecallDisplay,
    RocCurveDisplay,
    average_precision_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

X, y = make_classification(
    n_samples=4000,
    n_features=10,
    n_informative=4,
    weights=[0.95],
    n_clusters_per_class=1,
    class_sep=0.5,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
models = {
    "logistic regression": LogisticRegression().fit(X_train, y_train),
    "tree, depth 3": DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train),
}

fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(8, 3.6))
print(f"test set: {len(y_test)} samples, {y_test.mean():.1%} positive")
print(f"{'model':20s} {'ROC-AUC':>7s} {'average precision':>18s}")
for name, model in models.items():
    scores = model.predict_proba(X_test)[:, 1]  # scores, never 0/1 predictions
    roc = RocCurveDisplay.from_predictions(y_test, scores, name=name, ax=ax_roc)
    pr = PrecisionRecallDisplay.from_predictions(y_test, scores, name=name, ax=ax_pr)
    auc, ap = roc_auc_score(y_test, scores), average_precision_score(y_test, scores)
    print(f"{name:20s} {auc:7.3f} {ap:18.3f}")
    assert abs(roc.roc_auc - auc) < 1e-12 and abs(pr.average_precision - ap) < 1e-12
    assert ap < auc, "with 5% positives the PR view is the harsher one"
ax_roc.plot([0, 1], [0, 1], "k:", label="random (AUC 0.5)")
ax_roc.legend(fontsize=7)
ax_pr.axhline(y_test.mean(), color="k", linestyle=":", label="random (prevalence)")
ax_pr.legend(fontsize=7, loc="lower left")
ax_roc.set_title("ROC", fontsize=9)
ax_pr.set_title("precision-recall", fontsize=9)
fig.tight_layout()
fig.savefig("model_visualization_roc.png", dpi=100)
plt.close(fig)
