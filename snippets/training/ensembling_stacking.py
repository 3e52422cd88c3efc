"""Stacking must fit its combiner on held-out predictions.

A naive stack fits the meta-learner on the members' predictions for their own training
data, where the fully grown tree is always right; the meta-learner then trusts the tree.
StackingClassifier fits it on out-of-fold predictions (cv=5) instead.
"""

import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import StackingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

X, y = make_classification(
    n_samples=1000, n_features=20, n_informative=8, n_redundant=4, flip_y=0.05,
    class_sep=0.8, random_state=2,
)  # fmt: skip
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
members = [
    ("logreg", make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))),
    ("knn", make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15))),
    ("deep tree", DecisionTreeClassifier(random_state=0)),  # 100% right on its training data
]

print(f"{'member':10s} train   test")
fitted = [clone(model).fit(X_train, y_train) for _, model in members]
for (name, _), model in zip(members, fitted, strict=True):
    train_acc, test_acc = model.score(X_train, y_train), model.score(X_test, y_test)
    print(f"{name:10s} {train_acc:.3f}  {test_acc:.3f}")


def member_probas(models, X):
    return np.column_stack([m.predict_proba(X)[:, 1] for m in models])


# Wrong: the combiner learns from in-sample predictions.
naive = LogisticRegression(max_iter=1000).fit(member_probas(fitted, X_train), y_train)
naive_acc = naive.score(member_probas(fitted, X_test), y_test)

# Right: out-of-fold predictions for the combiner, then members refitted on all the data.
stack = StackingClassifier(members, LogisticRegression(max_iter=1000), cv=5).fit(X_train, y_train)
stack_acc = stack.score(X_test, y_test)

print("\ncombiner weights (logreg, knn, deep tree) and test accuracy")
for name, combiner, acc in [
    ("in-sample", naive, naive_acc),
    ("out-of-fold", stack.final_estimator_, stack_acc),
]:
    weights = ", ".join(f"{w:5.2f}" for w in combiner.coef_[0])
    print(f"{name:12s} [{weights}]  {acc:.3f}")

tree_test = fitted[2].score(X_test, y_test)
assert naive.coef_[0][2] > naive.coef_[0][:2].max(), "the naive combiner trusts the tree most"
assert stack.final_estimator_.coef_[0][2] < stack.final_estimator_.coef_[0][:2].min()
assert abs(naive_acc - tree_test) < 0.02, "and so it is about as good as the tree alone"
assert stack_acc > naive_acc + 0.05
