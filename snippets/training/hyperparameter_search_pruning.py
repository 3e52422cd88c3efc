"""Stopping bad trials early: Optuna's successive-halving and Hyperband pruners.

Each trial trains a linear classifier with SGD for up to 20 epochs and reports its
validation accuracy after every epoch; a pruner stops trials that trail the others.
The learning rate and the L2 strength are searched on a log scale.
"""

import numpy as np
import optuna
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

optuna.logging.set_verbosity(optuna.logging.WARNING)

X, y = make_classification(
    n_samples=2000, n_features=20, n_informative=8, flip_y=0.05, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(X_fit)  # fitted on the fitting part only
X_fit, X_val, X_test = scaler.transform(X_fit), scaler.transform(X_val), scaler.transform(X_test)
EPOCHS, TRIALS = 20, 30


def train(lr: float, alpha: float, trial: optuna.Trial | None = None) -> SGDClassifier:
    model = SGDClassifier(
        loss="log_loss", learning_rate="constant", eta0=lr, alpha=alpha, random_state=0
    )
    rng = np.random.default_rng(0)
    for epoch in range(EPOCHS):
        order = rng.permutation(len(y_fit))
        model.partial_fit(X_fit[order], y_fit[order], classes=[0, 1])
        if trial is not None:
            trial.set_user_attr("epochs", epoch + 1)
            trial.report(model.score(X_val, y_val), step=epoch)  # intermediate value
            if trial.should_prune():  # the pruner compares it with other trials at this step
                raise optuna.TrialPruned()
    return model


def objective(trial: optuna.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)  # log scale: each decade equally likely
    alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
    return train(lr, alpha, trial).score(X_val, y_val)


pruners = {
    "none": optuna.pruners.NopPruner(),
    "successive halving": optuna.pruners.SuccessiveHalvingPruner(min_resource=2),
    "Hyperband": optuna.pruners.HyperbandPruner(min_resource=2, max_resource=EPOCHS),
}
print(f"{'pruner':18s}  pruned  epochs trained  best val acc  test acc")
epochs_used, best_val = {}, {}
for name, pruner in pruners.items():
    sampler = optuna.samplers.TPESampler(seed=0)
    # Hyperband assigns trials to brackets by hashing the study name: fix it to be reproducible.
    study = optuna.create_study(
        study_name=name, direction="maximize", sampler=sampler, pruner=pruner
    )
    study.optimize(objective, n_trials=TRIALS)
    pruned = sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)
    epochs_used[name] = sum(t.user_attrs["epochs"] for t in study.trials)
    best_val[name] = study.best_value
    test_acc = train(**study.best_params).score(X_test, y_test)  # once, for the chosen setting
    print(
        f"{name:18s}  {pruned:3d}/{TRIALS}  {epochs_used[name]:6d} of {TRIALS * EPOCHS}"
        f"  {study.best_value:12.3f}  {test_acc:8.3f}"
    )

for name in ("successive halving", "Hyperband"):
    assert epochs_used[name] < 0.6 * epochs_used["none"], "pruning saves compute"
    assert best_val[name] > best_val["none"] - 0.01, "and finds an about equally good setting"
