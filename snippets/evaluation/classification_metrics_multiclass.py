"""Multi-class averaging: macro, weighted and micro; one-vs-rest ROC-AUC.

Three imbalanced classes (70% / 20% / 10%). Macro averages the per-class scores equally,
weighted averages them by support, micro pools all decisions (for single-label
multi-class data, micro-F1 equals accuracy).
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import train_test_split

X, y = make_classification(
    n_samples=3000,
    n_features=12,
    n_informative=5,
    n_classes=3,
    weights=[0.7, 0.2, 0.1],
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
y_pred = model.predict(X_test)
proba = model.predict_proba(X_test)  # one column per class, rows sum to 1

precision, recall, f1, support = precision_recall_fscore_support(y_test, y_pred)
print("class  precision  recall     F1  support")
for c in range(3):
    print(f"{c:5d}  {precision[c]:9.3f}  {recall[c]:6.3f}  {f1[c]:5.3f}  {support[c]:7d}")

macro = f1_score(y_test, y_pred, average="macro")
weighted = f1_score(y_test, y_pred, average="weighted")
micro = f1_score(y_test, y_pred, average="micro")
print(f"F1 macro {macro:.3f} | weighted {weighted:.3f} | micro {micro:.3f}")
assert np.isclose(macro, f1.mean())
assert np.isclose(weighted, np.average(f1, weights=support))
assert np.isclose(micro, accuracy_score(y_test, y_pred))
# The page's claim: the rare class is poorly recalled, and only macro averaging shows it.
assert recall[2] < 0.5 < min(recall[:2]), "class 2 is the one the model misses"
assert macro < weighted - 0.1 and macro < micro - 0.1, "macro-F1 exposes the weak class"

auc_macro = roc_auc_score(y_test, proba, multi_class="ovr", average="macro")
auc_weighted = roc_auc_score(y_test, proba, multi_class="ovr", average="weighted")
per_class = [roc_auc_score(y_test == c, proba[:, c]) for c in range(3)]
print(f"ROC-AUC one-vs-rest: macro {auc_macro:.3f} | weighted {auc_weighted:.3f}")
assert np.isclose(auc_macro, np.mean(per_class))
