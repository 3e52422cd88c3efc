"""Calibration curves (reliability diagrams): can a predicted 0.8 be read as "80% likely"?

Ten features are noisy copies of one hidden signal, and the label is drawn from a logistic
model of them. Logistic regression is the right model here, so its probabilities are
calibrated. Gaussian naive Bayes assumes the features independent, counts the same evidence
ten times and piles its probabilities up near 0 and 1. Isotonic regression fitted on
held-out folds recalibrates it. calibration_curve bins the predicted probabilities and
compares each bin's mean prediction with the share of positives in it; the expected
calibration error (ECE) is the sample-weighted gap. Recalibration changes the probabilities,
not the ranking, so ROC-AUC does not move.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.calibration import CalibratedClassifierCV, CalibrationDisplay, calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.naive_bayes import GaussianNB

rng = np.random.default_rng(0)
n, d = 20_000, 10
signal = rng.normal(size=(n, 1))
X = signal + 0.5 * rng.normal(size=(n, d))  # 10 noisy copies of one signal: highly correlated
p_true = 1 / (1 + np.exp(-X @ np.full(d, 0.25)))  # the label follows a logistic model
y = (rng.random(n) < p_true).astype(int)
X_train, X_test, y_train, y_test = X[: n // 2], X[n // 2 :], y[: n // 2], y[n // 2 :]
models = {
    "logistic regression": LogisticRegression(),
    "naive Bayes": GaussianNB(),
    "naive Bayes + isotonic": CalibratedClassifierCV(GaussianNB(), method="isotonic", cv=5),
}


def expected_calibration_error(y_true, prob, n_bins: int = 10) -> float:
    """Sum over equal-width bins of (share of samples) * |positive rate - mean prediction|."""
    bins = np.minimum((prob * n_bins).astype(int), n_bins - 1)
    return sum(
        (bins == b).mean() * abs(y_true[bins == b].mean() - prob[bins == b].mean())
        for b in np.unique(bins)
    )


fig, ax = plt.subplots(figsize=(4.8, 4.2))
# "p >= 0.9": the share of test samples predicted at 0.9 or more; "positive": how many of
# those are really positive.
print(f"{'model':24s} {'ROC-AUC':>7s} {'Brier':>6s} {'ECE':>6s} {'p >= 0.9':>9s} {'positive':>9s}")
stats = {}
for name, model in models.items():
    prob = model.fit(X_train, y_train).predict_proba(X_test)[:, 1]
    CalibrationDisplay.from_predictions(y_test, prob, n_bins=10, name=name, ax=ax)
    high = prob >= 0.9
    stats[name] = (
        roc_auc_score(y_test, prob),
        brier_score_loss(y_test, prob),
        expected_calibration_error(y_test, prob),
        high.mean(),
        y_test[high].mean(),
    )
    auc, brier, ece, share, rate = stats[name]
    print(f"{name:24s} {auc:7.3f} {brier:6.3f} {ece:6.3f} {share:9.3f} {rate:9.3f}")

# The reliability diagram in numbers: mean prediction vs positive rate, bin by bin (naive Bayes).
nb_prob = models["naive Bayes"].predict_proba(X_test)[:, 1]
positive_rate, mean_predicted = calibration_curve(y_test, nb_prob, n_bins=10)
print("naive Bayes, bin by bin (mean predicted -> positive rate):")
print(
    "  "
    + "  ".join(f"{p:.2f}->{r:.2f}" for p, r in zip(mean_predicted, positive_rate, strict=True))
)

lr, nb, iso = (stats[name] for name in models)
assert lr[2] < 0.02, "the well-specified logistic regression is calibrated"
assert nb[2] > 5 * lr[2] and nb[1] > lr[1], "naive Bayes is badly calibrated"
assert nb[3] > 0.3 and nb[4] < 0.9, "it says >= 0.9 for many samples that are positive less often"
assert iso[2] < 0.02 and iso[1] < nb[1], "isotonic recalibration fixes it"
assert abs(iso[0] - nb[0]) < 0.005, "without changing how well it ranks"

ax.set_title("reliability diagram (test set, 10 bins)", fontsize=9)
ax.legend(fontsize=7, loc="upper left")
fig.tight_layout()
fig.savefig("model_visualization_calibration.png", dpi=100)
plt.close(fig)
