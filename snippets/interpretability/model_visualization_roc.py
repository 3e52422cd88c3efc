"""ROC and precision-recall curves for two classifiers on imbalanced data (5% positives).

Both curves come from the models' scores over all thresholds. The two areas have different
chance levels (0.5 for ROC-AUC, the share of positives for average precision), so their
values are compared with their own baselines, never with each other. On rare positives a
false-positive rate that looks small on the ROC curve can still mean that most alarms are
false; the precision-recall curve shows it, and the figure puts the two side by side.
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
    confusion_matrix,
    precision_recall_curve,
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
prevalence = y_test.mean()  # the average precision of random scores
print(f"test set: {len(y_test)} samples, {prevalence:.1%} positive")
print("chance level: ROC-AUC 0.5, average precision = share of positives")
print(f"{'model':20s} {'ROC-AUC':>7s} {'AP':>6s} {'AP / chance':>11s}  best precision at recall")
auc, ap, prec_at, scores_of = {}, {}, {}, {}
for name, model in models.items():
    scores = scores_of[name] = model.predict_proba(X_test)[:, 1]  # scores, never 0/1
    roc = RocCurveDisplay.from_predictions(y_test, scores, name=name, ax=ax_roc)
    pr = PrecisionRecallDisplay.from_predictions(y_test, scores, name=name, ax=ax_pr)
    auc[name], ap[name] = roc_auc_score(y_test, scores), average_precision_score(y_test, scores)
    assert abs(roc.roc_auc - auc[name]) < 1e-12 and abs(pr.average_precision - ap[name]) < 1e-12
    precision, recall, _ = precision_recall_curve(y_test, scores)
    prec_at[name] = {r: precision[recall >= r].max() for r in (0.5, 0.8)}
    at = "  ".join(f">={r}: {p:.3f}" for r, p in prec_at[name].items())
    print(f"{name:20s} {auc[name]:7.3f} {ap[name]:6.3f} {ap[name] / prevalence:10.1f}x  {at}")

lr, tree = models
assert auc[lr] > auc[tree] and ap[lr] > ap[tree], "logistic regression is better on both"
assert min(ap.values()) > 5 * prevalence, "both rank far better than chance"
# The tree's fair-looking ROC-AUC hides a cliff: past recall 0.5 precision falls below one
# half, and at recall 0.8 it is down to the share of positives (flag everything).
assert prec_at[tree][0.5] < 0.5 < 0.9 < prec_at[lr][0.8]
assert abs(prec_at[tree][0.8] - prevalence) < 0.01
precision, recall, _ = precision_recall_curve(y_test, scores_of[tree])
perfect_up_to = recall[precision == 1.0].max()  # the cliff: perfect precision, then a drop
print(f"tree: precision stays 1.000 up to recall {perfect_up_to:.3f}")
assert 0.4 < perfect_up_to < 0.5

# One operating point of the tree, read on both curves: its first threshold with recall >= 0.7.
for threshold in sorted(set(scores_of[tree]), reverse=True):
    tn, fp, fn, tp = confusion_matrix(y_test, scores_of[tree] >= threshold).ravel()
    if tp / (tp + fn) >= 0.7:
        break
fpr, tpr, precision_here = fp / (fp + tn), tp / (tp + fn), tp / (tp + fp)
print(
    f"tree at recall {tpr:.3f}: false-positive rate {fpr:.3f} (ROC),"
    f" precision {precision_here:.3f} (PR)"
)
print(f"  {tp} true alarms, {fp} false alarms")
assert fpr < 0.1 and fp > tp, "a small FPR on 95% negatives can still mean mostly false alarms"
ax_roc.plot([0, 1], [0, 1], "k:", label="random (AUC 0.5)")
ax_roc.legend(fontsize=7)
ax_pr.axhline(y_test.mean(), color="k", linestyle=":", label="random (prevalence)")
ax_pr.legend(fontsize=7, loc="lower left")
ax_roc.set_title("ROC", fontsize=9)
ax_pr.set_title("precision-recall", fontsize=9)
fig.tight_layout()
fig.savefig("model_visualization_roc.png", dpi=100)
plt.close(fig)
