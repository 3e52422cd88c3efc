"""A confusion matrix for a 10-class digit classifier, drawn and read.

Rows are the true classes and columns the predicted ones, so the diagonal holds the
correct predictions, each row's diagonal share is that class's recall, and the largest
off-diagonal cells name the classes the model mixes up.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
model = GaussianNB().fit(X_train, y_train)  # a deliberately simple model: it makes mistakes
y_pred = model.predict(X_test)

cm = confusion_matrix(y_test, y_pred)
accuracy = accuracy_score(y_test, y_pred)
recall = cm.diagonal() / cm.sum(axis=1)
print(f"test accuracy {accuracy:.3f} on {cm.sum()} images")
print("recall per class: " + " ".join(f"{c}:{r:.2f}" for c, r in enumerate(recall)))
off = cm.copy()
np.fill_diagonal(off, 0)
print("largest confusions (true -> predicted: count):")
for flat in np.argsort(-off, axis=None)[:3]:
    true, pred = np.unravel_index(flat, off.shape)
    print(f"  {true} -> {pred}: {off[true, pred]}")

# The overall accuracy hides weak classes: 2 is the worst (below one half), 9 next, and
# the most frequent mistake is 2 read as 8.
assert accuracy > 0.8 and recall.argmin() == 2 and recall[2] < 0.5
assert np.argsort(recall)[1] == 9 and recall[9] < 0.6
assert np.unravel_index(off.argmax(), off.shape) == (2, 8)

fig, ax = plt.subplots(figsize=(5, 4.5))
ConfusionMatrixDisplay(cm).plot(ax=ax, cmap="Blues", colorbar=False)
ax.set_title("GaussianNB on digits (rows: true, columns: predicted)", fontsize=9)
fig.tight_layout()
fig.savefig("model_visualization_confusion.png", dpi=100)
plt.close(fig)
