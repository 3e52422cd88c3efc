"""Semi-supervised learning with 5 labels per class, measured against the labeled-only baseline.

Of 1257 training digits only 50 keep their label. Self-training (a classifier labels the
unlabeled samples it is confident about, then retrains) and label spreading (labels flow
along a k-nearest-neighbor graph) use the other 1207 images without their labels.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
# The pixels are integers 0-16, so many nearest-neighbor distances tie exactly, and which
# tied neighbor the k-NN search keeps depends on how many CPU threads share the search.
# A fixed, tiny jitter breaks the ties the same way on every machine.
X = X + 1e-9 * np.random.default_rng(0).standard_normal(X.shape)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


def logreg():
    return LogisticRegression(max_iter=1000)


scores = {"labeled only": [], "self-training": [], "label spreading": []}
pseudo_correct = []
for draw in range(3):  # three random choices of the 50 labeled images
    rng = np.random.default_rng(draw)
    labelled = np.concatenate(
        [rng.choice(np.flatnonzero(y_train == c), size=5, replace=False) for c in range(10)]
    )
    y_partial = np.full_like(y_train, -1)  # -1 marks "unlabeled" for sklearn.semi_supervised
    y_partial[labelled] = y_train[labelled]

    baseline = logreg().fit(X_train[labelled], y_train[labelled])
    scores["labeled only"].append(baseline.score(X_test, y_test))

    self_training = SelfTrainingClassifier(logreg(), threshold=0.5).fit(X_train, y_partial)
    scores["self-training"].append(self_training.score(X_test, y_test))
    added = self_training.labeled_iter_ > 0  # samples it pseudo-labeled
    pseudo_correct.append(np.mean(self_training.transduction_[added] == y_train[added]))

    spreading = LabelSpreading(kernel="knn", n_neighbors=10, max_iter=1000).fit(X_train, y_partial)
    scores["label spreading"].append(spreading.score(X_test, y_test))

full = logreg().fit(X_train, y_train).score(X_test, y_test)  # the ceiling: every label known

print(f"labeled: 50 of {len(y_train)} training images; test: {len(y_test)} images")
print("test accuracy, mean (min-max) over 3 draws of the labeled images:")
for name, values in scores.items():
    print(f"  {name:16s} {np.mean(values):.3f} ({min(values):.3f}-{max(values):.3f})")
print(f"  {'all labeled':16s} {full:.3f}")
print(f"self-training pseudo-labels correct: {np.mean(pseudo_correct):.3f}")

mean = {name: np.mean(values) for name, values in scores.items()}
assert mean["self-training"] > mean["labeled only"], "unlabeled data helps a little"
assert mean["label spreading"] > mean["labeled only"] + 0.05, "...or a lot, if the graph fits"
assert min(scores["label spreading"]) > max(scores["labeled only"])
assert full > mean["label spreading"], "but labels still beat no labels"
