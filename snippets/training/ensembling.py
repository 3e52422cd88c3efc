"""Voting, stacking, bagging and boosting on one dataset, scored by 5-fold cross-validation.

Voting and stacking combine different models; bagging averages many copies of a
high-variance model (deep trees); boosting adds up many high-bias models (stumps).
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    BaggingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    StackingClassifier,
    VotingClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

X, y = make_classification(
    n_samples=1000, n_features=20, n_informative=8, n_redundant=4, flip_y=0.05,
    class_sep=0.8, random_state=2,
)  # fmt: skip
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)  # the same folds for every model

members = [
    ("logreg", make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))),
    ("knn", make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15))),
    ("tree", DecisionTreeClassifier(min_samples_leaf=10, random_state=0)),
]
deep_tree = DecisionTreeClassifier(random_state=0)  # grown until pure: low bias, high variance
stump = DecisionTreeClassifier(max_depth=1)  # one split: high bias, low variance
groups = {
    "combine different models": [
        *members,
        ("hard voting", VotingClassifier(members, voting="hard")),
        ("soft voting", VotingClassifier(members, voting="soft")),
        ("stacking", StackingClassifier(members, LogisticRegression(max_iter=1000), cv=5)),
    ],
    "bagging: average high-variance models": [
        ("deep tree", deep_tree),
        ("bagging, 30 trees", BaggingClassifier(deep_tree, n_estimators=30, random_state=0)),
        ("random forest, 30 trees", RandomForestClassifier(n_estimators=30, random_state=0)),
    ],
    "boosting: add up high-bias models": [
        ("stump", stump),
        ("boosting, 100 stumps", HistGradientBoostingClassifier(max_depth=1, learning_rate=0.2)),
        ("boosting, 50 deeper trees", HistGradientBoostingClassifier(max_iter=50)),
    ],
}

scores = {}
for group, models in groups.items():
    print(f"{group:38s} train   CV accuracy")
    for name, model in models:
        result = cross_validate(model, X, y, cv=cv, return_train_score=True)
        train, test = result["train_score"].mean(), result["test_score"]
        scores[name] = test.mean()
        print(f"  {name:36s} {train:.3f}   {test.mean():.3f} ± {test.std():.3f}")

# Diversity: a majority of three is wrong only where at least two members are wrong.
wrong = np.array([cross_val_predict(m, X, y, cv=cv) != y for _, m in members])
p = wrong.mean(axis=1)
independent = p[0] * p[1] + p[0] * p[2] + p[1] * p[2] - 2 * p.prod()  # P(>= 2 wrong)
print("member error rates:", ", ".join(f"{e:.3f}" for e in p))
print(f"majority wrong: {(wrong.sum(axis=0) >= 2).mean():.3f} measured, ", end="")
print(f"{independent:.3f} if the errors were independent")

best_member = max(scores[name] for name, _ in members)
assert scores["hard voting"] > best_member + 0.01, "voting beats its best member here"
assert scores["stacking"] > best_member + 0.01
assert scores["bagging, 30 trees"] > scores["deep tree"] + 0.05, "bagging cuts variance"
assert scores["boosting, 100 stumps"] > scores["stump"] + 0.05, "boosting cuts bias"
# Consistency check, true by construction (same folds, 3 binary members, no ties):
# hard voting is wrong exactly where at least 2 members are wrong.
assert np.isclose(1 - scores["hard voting"], (wrong.sum(axis=0) >= 2).mean())
assert (wrong.sum(axis=0) >= 2).mean() > independent, "the members' errors are correlated"
