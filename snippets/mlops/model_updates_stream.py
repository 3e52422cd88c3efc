"""Online learning with partial_fit: each batch of a stream is seen once, as it arrives.

SGDClassifier and MultinomialNB are updated batch by batch. From batch 8 on, the labels are
wrong (a broken labeling job, or poisoning). An update gate accepts a candidate only if it
does not score worse on a trusted validation set; ungated models absorb the bad batches.
"""

import copy

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB

X, y = load_digits(return_X_y=True)
X = X / 16.0  # a fixed scale: a scaler fitted on the first batch would drift with the stream
X_stream, X_hold, y_stream, y_hold = train_test_split(
    X, y, test_size=0.33, random_state=0, stratify=y
)
X_val, X_test, y_val, y_test = train_test_split(
    X_hold, y_hold, test_size=0.5, random_state=0, stratify=y_hold
)
CLASSES = np.arange(10)  # partial_fit must know every class from the first call
BAD_FROM, TOLERANCE = 8, 0.005
batches = list(zip(np.array_split(X_stream, 12), np.array_split(y_stream, 12), strict=True))


def make_models() -> dict:
    return {
        "SGD": SGDClassifier(loss="log_loss", average=True, random_state=0),
        "NB": MultinomialNB(),
    }


ungated, gated = make_models(), {}
print(f"stream: {len(X_stream)} digits in {len(batches)} batches; labels wrong from "
      f"batch {BAD_FROM} on")  # fmt: skip
print("batch   SGD  SGD gated     NB   NB gated")
rejected = {name: [] for name in ungated}
for i, (X_batch, y_batch) in enumerate(batches):
    if i >= BAD_FROM:
        y_batch = (y_batch + 1) % 10  # every label shifted by one
    row = f"{i:5d}"
    for name, model in ungated.items():
        model.partial_fit(X_batch, y_batch, classes=CLASSES)  # one pass, no epochs
        current = gated.get(name)
        candidate = copy.deepcopy(current if current is not None else make_models()[name])
        candidate.partial_fit(X_batch, y_batch, classes=CLASSES)
        if (
            current is None
            or candidate.score(X_val, y_val) >= current.score(X_val, y_val) - TOLERANCE
        ):
            gated[name] = candidate  # promote the update
            mark = " "
        else:
            rejected[name].append(i)  # keep serving the current model
            mark = "x"
        row += f" {model.score(X_test, y_test):6.3f} {gated[name].score(X_test, y_test):8.3f}{mark}"
    print(row.rstrip())
print(f"rejected updates (x): SGD {rejected['SGD']}, NB {rejected['NB']}")

# Naive Bayes only keeps counts, so learning batch by batch gives exactly the batch model.
nb_stream = MultinomialNB()
for X_batch, y_batch in batches:
    nb_stream.partial_fit(X_batch, y_batch, classes=CLASSES)
nb_full = MultinomialNB().fit(X_stream, y_stream)
exact = np.allclose(nb_stream.feature_log_prob_, nb_full.feature_log_prob_)
print(f"clean stream: NB partial_fit == NB fit on all data: {exact}")

for name in ungated:
    assert gated[name].score(X_test, y_test) > ungated[name].score(X_test, y_test) + 0.01
    assert rejected[name] and min(rejected[name]) >= BAD_FROM - 1
assert exact
