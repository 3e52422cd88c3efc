"""ROC-AUC is computed from scores, not from hard labels, and it measures ranking.

AUC = the probability that a randomly chosen positive gets a higher score than a
randomly chosen negative. We check that identity by brute force, then show how
precision and recall move when the decision threshold moves.
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split

X, y = make_classification(
    n_samples=2000,
    n_features=10,
    n_informative=4,
    n_clusters_per_class=1,
    weights=[0.9, 0.1],
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
model = LogisticRegression().fit(X_train, y_train)
scores = model.predict_proba(X_test)[:, 1]  # probability of the positive class

auc = roc_auc_score(y_test, scores)
auc_from_labels = roc_auc_score(y_test, (scores >= 0.5).astype(int))  # a common mistake
print(f"ROC-AUC from scores:      {auc:.3f}")
print(f"ROC-AUC from 0/1 labels:  {auc_from_labels:.3f}  (wrong: throws the ranking away)")

# Brute force: compare every (positive, negative) pair; ties count one half.
pos, neg = scores[y_test == 1], scores[y_test == 0]
diff = pos[:, None] - neg[None, :]
pairwise = (diff > 0).mean() + 0.5 * (diff == 0).mean()
print(f"P(score_pos > score_neg): {pairwise:.3f}")
assert np.isclose(auc, pairwise)
assert auc_from_labels < auc

print("threshold  precision  recall")
for threshold in (0.2, 0.5, 0.8):
    y_hat = (scores >= threshold).astype(int)
    p = precision_score(y_test, y_hat, zero_division=0)
    r = recall_score(y_test, y_hat)
    print(f"{threshold:9.1f}  {p:9.3f}  {r:6.3f}")
