"""Precision, recall, F1 and accuracy from the confusion matrix, checked against scikit-learn.

Twenty screened patients, 6 of whom are ill (label 1). We count the four cells by hand,
apply the definitions, and compare with sklearn.metrics.
"""

import math

from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
)

y_true = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
y_pred = [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]

# scikit-learn's layout for labels [0, 1]: rows = truth, columns = prediction.
(tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred, labels=[0, 1])
print(f"TP={tp} FP={fp} FN={fn} TN={tn}")

precision = tp / (tp + fp)  # of everything flagged positive, how much is positive
recall = tp / (tp + fn)  # of everything truly positive, how much was found
f1 = 2 * precision * recall / (precision + recall)  # harmonic mean of the two
accuracy = (tp + tn) / (tp + tn + fp + fn)

for name, ours, sklearn_value in [
    ("precision", precision, precision_score(y_true, y_pred)),
    ("recall", recall, recall_score(y_true, y_pred)),
    ("F1", f1, f1_score(y_true, y_pred)),
    ("accuracy", accuracy, accuracy_score(y_true, y_pred)),
]:
    assert math.isclose(ours, sklearn_value), name
    print(f"{name:9s} {ours:.3f}")

# The accuracy paradox: predicting "healthy" for everyone scores 70% accuracy
# and finds nobody. Recall exposes it; precision is undefined (0/0), reported as 0.
always_negative = [0] * len(y_true)
acc_lazy = accuracy_score(y_true, always_negative)
recall_lazy = recall_score(y_true, always_negative)
precision_lazy = precision_score(y_true, always_negative, zero_division=0)
print(
    f"always 0: accuracy {acc_lazy:.3f}, recall {recall_lazy:.3f}, precision {precision_lazy:.3f}"
)
assert acc_lazy == 0.7 and recall_lazy == 0.0
assert (tp, fp, fn, tn) == (4, 1, 2, 13)
