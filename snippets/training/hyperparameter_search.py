"""Grid search, random search and Optuna's TPE, each given the same budget of 25 trials.

An RBF SVM on scikit-learn's digits. Every method chooses C and gamma by 3-fold
cross-validation on the training set only; the chosen model is scored once on the test set.
"""

import numpy as np
import optuna
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.svm import SVC

optuna.logging.set_verbosity(optuna.logging.WARNING)  # no log line per trial

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=400, stratify=y, random_state=0
)  # 400 samples to tune and train on, 1397 kept aside for the final score
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)  # same folds for every method
BUDGET = 25  # trials per method; each trial = 3 fits
GOOD = 0.95  # a trial is "good" if its mean CV accuracy reaches this

# 1. Grid search: 5 x 5 values, evenly spaced on a log scale.
grid_values = {"C": np.logspace(-2, 3, 5), "gamma": np.logspace(-5, 0, 5)}
grid = GridSearchCV(SVC(), grid_values, cv=cv).fit(X_train, y_train)

# 2. Random search: 25 draws from log-uniform distributions over the same ranges.
space = {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e0)}
randomized = RandomizedSearchCV(SVC(), space, n_iter=BUDGET, cv=cv, random_state=0)
randomized.fit(X_train, y_train)


# 3. Bayesian optimization with TPE: 8 start-up trials, then each new trial is proposed
#    from a density model of the good and bad trials so far. The start-up trials are the
#    first 8 points of the random search, enqueued explicitly, so the two methods differ
#    only in how the remaining 17 trials are chosen.
def objective(trial: optuna.Trial) -> float:
    C = trial.suggest_float("C", 1e-2, 1e3, log=True)
    gamma = trial.suggest_float("gamma", 1e-5, 1e0, log=True)
    return cross_val_score(SVC(C=C, gamma=gamma), X_train, y_train, cv=cv).mean()


shared = [{k: float(v) for k, v in p.items()} for p in randomized.cv_results_["params"][:8]]
sampler = optuna.samplers.TPESampler(n_startup_trials=8, seed=0)
study = optuna.create_study(direction="maximize", sampler=sampler)
for params in shared:
    study.enqueue_trial(params)
study.optimize(objective, n_trials=BUDGET)
tpe_model = SVC(**study.best_params).fit(X_train, y_train)  # refit on the whole training set

# Sanity check, not a claim of the page: Optuna ran the 8 enqueued start-up trials as given.
assert [t.params for t in study.trials[:8]] == shared

results = {
    "grid": (grid.cv_results_["params"], grid.cv_results_["mean_test_score"], grid),
    "random": (
        randomized.cv_results_["params"],
        randomized.cv_results_["mean_test_score"],
        randomized,
    ),
    "TPE": ([t.params for t in study.trials], [t.value for t in study.trials], tpe_model),
}
print("method  trials  gamma values  good trials  best C  best gamma  CV acc  test acc")
summary = {}
for name, (params, cv_scores, model) in results.items():
    best = params[int(np.argmax(cv_scores))]
    n_gamma = len({p["gamma"] for p in params})  # distinct gamma values tried
    n_good = int(np.sum(np.asarray(cv_scores) >= GOOD))
    test_acc = model.score(X_test, y_test)  # the only time the test set is touched
    summary[name] = (len(params), n_gamma, n_good, max(cv_scores), test_acc)
    print(
        f"{name:6s}  {len(params):6d}  {n_gamma:12d}  {n_good:8d}/{len(params)}"
        f"  {best['C']:6.3g}  {best['gamma']:10.2e}  {max(cv_scores):6.3f}  {test_acc:8.3f}"
    )

assert all(s[0] == BUDGET for s in summary.values()), "same budget for every method"
assert summary["grid"][1] == 5 and summary["random"][1] == summary["TPE"][1] == BUDGET
assert summary["TPE"][2] >= 2 * summary["random"][2], "TPE spends more trials in the good region"
assert all(s[4] > 0.97 for s in summary.values()), "all three find a good model on this problem"
